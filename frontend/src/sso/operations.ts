// The GraphQL operations of single sign-on (graph/oidc.graphql): the sign-in
// handoff and consent, the citizen's connected systems, the admins' client registry.
// Types come from `npm run generate`.
import { graphql } from '../gql';

export const OidcAuthRequestQuery = graphql(`
  query OidcAuthRequest($id: ID!) {
    oidcAuthRequest(id: $id) {
      id
      clientName
      clientUnitName
      scopes
      loginHint
      uiLocales
      prompt
      maxAge
      next
    }
  }
`);

// The signIn mutation of the normal sign-in page, named for this page so the two
// screens do not share one document.
export const SsoSignInMutation = graphql(`
  mutation SsoSignIn($input: SignInInput!) {
    signIn(input: $input) {
      mustChangePassword
    }
  }
`);

export const SsoSignOutMutation = graphql(`
  mutation SsoSignOut {
    signOut
  }
`);

export const ApproveOidcAuthRequestMutation = graphql(`
  mutation ApproveOidcAuthRequest($id: ID!) {
    approveOIDCAuthRequest(id: $id) {
      url
    }
  }
`);

export const DenyOidcAuthRequestMutation = graphql(`
  mutation DenyOidcAuthRequest($id: ID!) {
    denyOIDCAuthRequest(id: $id) {
      url
    }
  }
`);

export const ConnectedAppsQuery = graphql(`
  query ConnectedApps {
    connectedApps {
      clientID
      clientName
      scopes
      grantedAt
      lastUsedAt
    }
  }
`);

export const RevokeConnectedAppMutation = graphql(`
  mutation RevokeConnectedApp($clientID: ID!) {
    revokeConnectedApp(clientID: $clientID)
  }
`);

export const OidcClientFields = graphql(`
  fragment OidcClientFields on OIDCClient {
    id
    name
    scopes
    public
    disabled
    createdAt
    updatedAt
    redirectURIs
    postLogoutRedirectURIs
    backchannelLogoutURI
    previousSecretValidUntil
    unit {
      id
      code
      name
    }
  }
`);

export const OidcClientsQuery = graphql(`
  query OidcClients($search: String, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {
    oidcClients(search: $search, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        node {
          ...OidcClientFields
        }
      }
    }
  }
`);

export const OidcClientQuery = graphql(`
  query OidcClient($id: ID!) {
    node(id: $id) {
      __typename
      ... on OIDCClient {
        ...OidcClientFields
        recentBackchannelDeliveries {
          id
          createdAt
          updatedAt
          reason
          status
          attempts
          lastHTTPStatus
          lastError
          deliveredAt
        }
      }
    }
  }
`);

export const CreateOidcClientMutation = graphql(`
  mutation CreateOidcClient($input: CreateOIDCClientInput!) {
    createOIDCClient(input: $input) {
      clientSecret
      client {
        ...OidcClientFields
      }
    }
  }
`);

export const UpdateOidcClientMutation = graphql(`
  mutation UpdateOidcClient($id: ID!, $input: UpdateOIDCClientInput!) {
    updateOIDCClient(id: $id, input: $input) {
      ...OidcClientFields
    }
  }
`);

export const SetOidcClientDisabledMutation = graphql(`
  mutation SetOidcClientDisabled($id: ID!, $disabled: Boolean!) {
    setOIDCClientDisabled(id: $id, disabled: $disabled) {
      ...OidcClientFields
    }
  }
`);

export const RotateOidcClientSecretMutation = graphql(`
  mutation RotateOidcClientSecret($id: ID!) {
    rotateOIDCClientSecret(id: $id) {
      clientSecret
      client {
        ...OidcClientFields
      }
    }
  }
`);
