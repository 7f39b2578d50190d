// The GraphQL operations of the statistics page (graph/stats.graphql). Types come
// from `npm run generate`.
import { graphql } from '../gql';

export const StatisticsQuery = graphql(`
  query Statistics($filter: StatsFilter, $groupBy: StatsGroupBy!) {
    statistics(filter: $filter) {
      from
      to
      unit {
        id
        name
        isServiceDesk
      }
      accountsPerDay {
        day
        count
      }
      accountsBy(groupBy: $groupBy, top: 10) {
        unit {
          id
          name
          isServiceDesk
        }
        officer {
          id
        }
        label
        count
        drillable
      }
      funnel {
        started
        otpSent
        created
        cancelled
        expired
      }
      funnelBy(top: 10) {
        unit {
          id
          name
        }
        funnel {
          started
          otpSent
          created
          cancelled
          expired
        }
      }
      sms {
        kind
        carrier
        sent
        delivered
        undelivered
        failed
        noReport
      }
      smsDelivery {
        day
        delivered
        p50Seconds
        p95Seconds
      }
      otp {
        codesSent
        resends
        attemptsExhausted
        accountsCreated
        codesPerAccount
      }
    }
  }
`);

export const StatisticsChangedSubscription = graphql(`
  subscription StatisticsChanged($unitID: ID) {
    statisticsChanged(unitID: $unitID) {
      at
    }
  }
`);

export const SignalsQuery = graphql(`
  query Signals($filter: SignalFilter, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    signals(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          ...SignalFields
        }
      }
    }
  }
`);

export const SignalFields = graphql(`
  fragment SignalFields on Signal {
    id
    kind
    unit {
      id
      name
    }
    officer {
      id
      account {
        id
        fullName
      }
    }
    value
    threshold
    day
    detectedAt
    subjectIDs
    reviewed
    reviewedAt
    reviewedBy {
      id
      account {
        id
        fullName
      }
    }
    reviewNote
  }
`);

export const ReviewSignalMutation = graphql(`
  mutation ReviewSignal($id: ID!, $note: String) {
    reviewSignal(id: $id, note: $note) {
      ...SignalFields
    }
  }
`);

export const SignalSettingsQuery = graphql(`
  query SignalSettings {
    signalSettings {
      ...SignalSettingsFields
    }
  }
`);

export const SignalSettingsFields = graphql(`
  fragment SignalSettingsFields on SignalSettings {
    sharedPhoneAccounts
    deskDropOffFactor
    lookupBudgetShare
    openingFrom
    openingTo
    unusedPasswordShare
  }
`);

export const UpdateSignalSettingsMutation = graphql(`
  mutation UpdateSignalSettings($input: SignalSettingsInput!) {
    updateSignalSettings(input: $input) {
      ...SignalSettingsFields
    }
  }
`);
