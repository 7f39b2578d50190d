// Every GraphQL operation the SPA sends. Types come from `npm run generate`
// (GraphQL Code Generator reading the server's schema in ../graph).
import { graphql } from '../gql';

export const AccountFields = graphql(`
  fragment AccountFields on Account {
    id
    idNumberMasked
    fullName
    dateOfBirth
    phoneMasked
    email
    status
    origin
    mustChangePassword
    createdAt
  }
`);

export const UnitFields = graphql(`
  fragment UnitFields on Unit {
    id
    code
    name
    kind
    isServiceDesk
    parent {
      id
      code
      name
    }
  }
`);

export const OfficerFields = graphql(`
  fragment OfficerFields on Officer {
    id
    permissions
    isAdmin
    isSuperAdmin
    canCreateCitizenAccounts
    blockers
    manageable
    notice
    adminUnit {
      id
      code
      name
    }
    account {
      ...AccountFields
    }
    unit {
      ...UnitFields
    }
  }
`);

export const SMSFields = graphql(`
  fragment SMSFields on SMSMessage {
    id
    kind
    status
    phoneMasked
    attempts
    lastError
    createdAt
    updatedAt
  }
`);

export const RegistrationFields = graphql(`
  fragment RegistrationFields on Registration {
    id
    code
    state
    fullName
    dateOfBirth
    phoneMasked
    email
    otpSentAt
    otpExpiresAt
    otpAttemptsLeft
    resendAvailableAt
    requestFormURL
    scanURL
    createdAt
    unit {
      id
      code
      name
    }
    account {
      id
      fullName
      status
      mustChangePassword
    }
    sms {
      ...SMSFields
    }
  }
`);

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      roles
      permissions
      currentSessionID
      sessions {
        id
        createdAt
        lastSeenAt
        expiresAt
        userAgent
      }
      account {
        ...AccountFields
      }
      officer {
        ...OfficerFields
      }
    }
  }
`);

export const SignInMutation = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      mustChangePassword
      viewer {
        roles
      }
    }
  }
`);

export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut
  }
`);

export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input)
  }
`);

export const RequestPasswordResetMutation = graphql(`
  mutation RequestPasswordReset($login: String!) {
    requestPasswordReset(login: $login)
  }
`);

export const ResetPasswordMutation = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input)
  }
`);

export const OfficersQuery = graphql(`
  query Officers($search: String, $status: AccountStatus, $unitID: ID, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    officers(search: $search, status: $status, unitID: $unitID, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          ...OfficerFields
        }
      }
    }
  }
`);

export const AccountsQuery = graphql(`
  query Accounts($search: String, $status: AccountStatus, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    accounts(search: $search, status: $status, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          ...AccountFields
        }
      }
    }
  }
`);

export const UnitsQuery = graphql(`
  query Units($search: String, $serviceDesksOnly: Boolean, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    units(search: $search, serviceDesksOnly: $serviceDesksOnly, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          ...UnitFields
        }
      }
    }
  }
`);

export const AuditEventsQuery = graphql(`
  query AuditEvents($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    auditEvents(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          id
          at
          action
          targetType
          targetID
          detail
          actor
          clientIP
        }
      }
    }
  }
`);

export const AuditActorsQuery = graphql(`
  query AuditActors($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on Account {
        id
        fullName
      }
    }
  }
`);

export const OfficerQuery = graphql(`
  query Officer($id: ID!) {
    node(id: $id) {
      __typename
      ... on Officer {
        ...OfficerFields
      }
    }
  }
`);

export const AddOfficerMutation = graphql(`
  mutation AddOfficer($accountID: ID!) {
    addOfficer(accountID: $accountID) {
      ...OfficerFields
    }
  }
`);

export const AssignOfficerUnitMutation = graphql(`
  mutation AssignOfficerUnit($officerID: ID!, $unitID: ID!) {
    assignOfficerUnit(officerID: $officerID, unitID: $unitID) {
      ...OfficerFields
    }
  }
`);

export const SetOfficerPermissionsMutation = graphql(`
  mutation SetOfficerPermissions($officerID: ID!, $permissions: [Permission!]!) {
    setOfficerPermissions(officerID: $officerID, permissions: $permissions) {
      ...OfficerFields
    }
  }
`);

export const GrantAdminMutation = graphql(`
  mutation GrantAdmin($accountID: ID!, $unitID: ID!) {
    grantAdmin(accountID: $accountID, unitID: $unitID) {
      ...OfficerFields
    }
  }
`);

export const SMSMessagesQuery = graphql(`
  query SMSMessages($status: SMSStatus, $first: Int, $after: Cursor) {
    smsMessages(status: $status, first: $first, after: $after) {
      totalCount
      edges {
        node {
          ...SMSFields
        }
      }
    }
  }
`);

export const RevokeSessionMutation = graphql(`
  mutation RevokeSession($sessionID: ID!) {
    revokeSession(sessionID: $sessionID)
  }
`);

export const SignOutEverywhereMutation = graphql(`
  mutation SignOutEverywhere {
    signOutEverywhere
  }
`);

export const SMSActivitySubscription = graphql(`
  subscription SMSActivity($unitID: ID) {
    smsActivity(unitID: $unitID) {
      ...SMSFields
    }
  }
`);

export const LookupCitizenQuery = graphql(`
  query LookupCitizen($idNumber: String!) {
    lookupCitizen(idNumber: $idNumber) {
      exists
      maskedName
      warnings
      idKind
      province
    }
  }
`);

export const CitizenAccountsCreatedByMeQuery = graphql(`
  query CitizenAccountsCreatedByMe($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    citizenAccountsCreatedByMe(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          ...AccountFields
        }
      }
    }
  }
`);

export const MyRegistrationsQuery = graphql(`
  query MyRegistrations($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    registrations(first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          id
          state
          fullName
          phoneMasked
          createdAt
        }
      }
    }
  }
`);

export const RegistrationQuery = graphql(`
  query Registration($id: ID!) {
    node(id: $id) {
      __typename
      ... on Registration {
        ...RegistrationFields
      }
    }
  }
`);

export const StartRegistrationMutation = graphql(`
  mutation StartRegistration($input: StartRegistrationInput!) {
    startRegistration(input: $input) {
      ...RegistrationFields
    }
  }
`);

export const SendRegistrationOTPMutation = graphql(`
  mutation SendRegistrationOTP($registrationID: ID!) {
    sendRegistrationOTP(registrationID: $registrationID) {
      ...RegistrationFields
    }
  }
`);

export const CompleteRegistrationMutation = graphql(`
  mutation CompleteRegistration($registrationID: ID!, $code: String!) {
    completeRegistration(registrationID: $registrationID, code: $code) {
      ...RegistrationFields
    }
  }
`);

export const CancelRegistrationMutation = graphql(`
  mutation CancelRegistration($registrationID: ID!) {
    cancelRegistration(registrationID: $registrationID) {
      ...RegistrationFields
    }
  }
`);

export const ResendInitialPasswordMutation = graphql(`
  mutation ResendInitialPassword($accountID: ID!) {
    resendInitialPassword(accountID: $accountID) {
      ...SMSFields
    }
  }
`);

export const RegistrationEventsSubscription = graphql(`
  subscription RegistrationEvents($registrationID: ID!) {
    registrationEvents(registrationID: $registrationID) {
      kind
      at
      sms {
        ...SMSFields
      }
      registration {
        ...RegistrationFields
      }
    }
  }
`);
