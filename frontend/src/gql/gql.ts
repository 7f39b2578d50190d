/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Accounts($search: String, $status: AccountStatus, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    accounts(search: $search, status: $status, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      totalCountCapped\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...AccountFields\n        }\n      }\n    }\n  }\n": typeof types.AccountsDocument,
    "\n  mutation AddOfficer($accountID: ID!) {\n    addOfficer(accountID: $accountID) {\n      ...OfficerFields\n    }\n  }\n": typeof types.AddOfficerDocument,
    "\n  query AuditEvents($first: Int, $after: Cursor, $last: Int, $before: Cursor, $where: AuditEventWhereInput) {\n    auditEvents(first: $first, after: $after, last: $last, before: $before, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          at\n          action\n          targetType\n          targetID\n          detail\n          actor\n          clientIP\n        }\n      }\n    }\n  }\n": typeof types.AuditEventsDocument,
    "\n  query AuditActors($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      ... on Account {\n        id\n        fullName\n      }\n    }\n  }\n": typeof types.AuditActorsDocument,
    "\n  query Officer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Officer {\n        ...OfficerFields\n      }\n    }\n  }\n": typeof types.OfficerDocument,
    "\n  mutation MoveOfficer($officerID: ID!, $unitID: ID!) {\n    moveOfficer(officerID: $officerID, unitID: $unitID) {\n      officer {\n        ...OfficerFields\n      }\n      notice {\n        code\n        message\n      }\n    }\n  }\n": typeof types.MoveOfficerDocument,
    "\n  mutation SetOfficerPermissions($officerID: ID!, $permissions: [Permission!]!) {\n    setOfficerPermissions(officerID: $officerID, permissions: $permissions) {\n      ...OfficerFields\n    }\n  }\n": typeof types.SetOfficerPermissionsDocument,
    "\n  mutation GrantAdmin($accountID: ID!, $unitID: ID!) {\n    grantAdmin(accountID: $accountID, unitID: $unitID) {\n      ...OfficerFields\n    }\n  }\n": typeof types.GrantAdminDocument,
    "\n  query Officers($search: String, $status: AccountStatus, $unitID: ID, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    officers(search: $search, status: $status, unitID: $unitID, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...OfficerFields\n        }\n      }\n    }\n  }\n": typeof types.OfficersDocument,
    "\n  query SMSMessages($status: SMSStatus, $first: Int, $after: Cursor) {\n    smsMessages(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          ...SMSFields\n        }\n      }\n    }\n  }\n": typeof types.SmsMessagesDocument,
    "\n  subscription SMSActivity($unitID: ID) {\n    smsActivity(unitID: $unitID) {\n      ...SMSFields\n    }\n  }\n": typeof types.SmsActivityDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  mutation RequestPasswordReset($login: String!) {\n    requestPasswordReset(login: $login)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input)\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation RevokeSession($sessionID: ID!) {\n    revokeSession(sessionID: $sessionID)\n  }\n": typeof types.RevokeSessionDocument,
    "\n  mutation SignOutEverywhere {\n    signOutEverywhere\n  }\n": typeof types.SignOutEverywhereDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      mustChangePassword\n      viewer {\n        roles\n      }\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": typeof types.SignOutDocument,
    "\n  query Viewer {\n    viewer {\n      roles\n      permissions\n      currentSessionID\n      sessions {\n        id\n        createdAt\n        lastSeenAt\n        expiresAt\n        userAgent\n      }\n      account {\n        ...AccountFields\n      }\n      officer {\n        ...OfficerFields\n      }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  query Units($search: String, $serviceDesksOnly: Boolean, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    units(search: $search, serviceDesksOnly: $serviceDesksOnly, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...UnitFields\n        }\n      }\n    }\n  }\n": typeof types.UnitsDocument,
    "\n  fragment AccountFields on Account {\n    id\n    idNumberMasked\n    fullName\n    dateOfBirth\n    phoneMasked\n    email\n    status\n    origin\n    mustChangePassword\n    createdAt\n  }\n": typeof types.AccountFieldsFragmentDoc,
    "\n  fragment UnitFields on Unit {\n    id\n    code\n    name\n    kind\n    isServiceDesk\n    parent {\n      id\n      code\n      name\n    }\n  }\n": typeof types.UnitFieldsFragmentDoc,
    "\n  fragment OfficerFields on Officer {\n    id\n    permissions\n    isAdmin\n    isSuperAdmin\n    canCreateCitizenAccounts\n    blockers\n    manageable\n    adminUnit {\n      id\n      code\n      name\n    }\n    account {\n      ...AccountFields\n    }\n    unit {\n      ...UnitFields\n    }\n  }\n": typeof types.OfficerFieldsFragmentDoc,
    "\n  fragment SMSFields on SMSMessage {\n    id\n    kind\n    status\n    phoneMasked\n    attempts\n    lastError\n    createdAt\n    updatedAt\n    sentAt\n    finalAt\n  }\n": typeof types.SmsFieldsFragmentDoc,
    "\n  fragment RegistrationFields on Registration {\n    id\n    code\n    state\n    fullName\n    dateOfBirth\n    phoneMasked\n    email\n    otpSentAt\n    otpExpiresAt\n    otpAttemptsLeft\n    resendAvailableAt\n    requestFormURL\n    scanURL\n    createdAt\n    updatedAt\n    unit {\n      id\n      code\n      name\n    }\n    account {\n      id\n      fullName\n      status\n      mustChangePassword\n    }\n    sms {\n      ...SMSFields\n    }\n  }\n": typeof types.RegistrationFieldsFragmentDoc,
    "\n  query CitizenAccountsCreatedByMe($first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    citizenAccountsCreatedByMe(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...AccountFields\n        }\n      }\n    }\n  }\n": typeof types.CitizenAccountsCreatedByMeDocument,
    "\n  query MyRegistrations($first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    registrations(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          state\n          fullName\n          phoneMasked\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.MyRegistrationsDocument,
    "\n  query LookupCitizen($idNumber: String!) {\n    lookupCitizen(idNumber: $idNumber) {\n      exists\n      maskedName\n      warnings\n      idKind\n      province\n    }\n  }\n": typeof types.LookupCitizenDocument,
    "\n  mutation StartRegistration($input: StartRegistrationInput!) {\n    startRegistration(input: $input) {\n      ...RegistrationFields\n    }\n  }\n": typeof types.StartRegistrationDocument,
    "\n  query Registration($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Registration {\n        ...RegistrationFields\n      }\n    }\n  }\n": typeof types.RegistrationDocument,
    "\n  mutation SendRegistrationOTP($registrationID: ID!) {\n    sendRegistrationOTP(registrationID: $registrationID) {\n      ...RegistrationFields\n    }\n  }\n": typeof types.SendRegistrationOtpDocument,
    "\n  mutation CompleteRegistration($registrationID: ID!, $code: String!) {\n    completeRegistration(registrationID: $registrationID, code: $code) {\n      ...RegistrationFields\n    }\n  }\n": typeof types.CompleteRegistrationDocument,
    "\n  mutation CancelRegistration($registrationID: ID!) {\n    cancelRegistration(registrationID: $registrationID) {\n      ...RegistrationFields\n    }\n  }\n": typeof types.CancelRegistrationDocument,
    "\n  mutation ResendInitialPassword($accountID: ID!) {\n    resendInitialPassword(accountID: $accountID) {\n      ...SMSFields\n    }\n  }\n": typeof types.ResendInitialPasswordDocument,
    "\n  subscription RegistrationEvents($registrationID: ID!) {\n    registrationEvents(registrationID: $registrationID) {\n      kind\n      at\n      sms {\n        ...SMSFields\n      }\n      registration {\n        ...RegistrationFields\n      }\n    }\n  }\n": typeof types.RegistrationEventsDocument,
    "\n  query OidcAuthRequest($id: ID!) {\n    oidcAuthRequest(id: $id) {\n      id\n      clientName\n      clientUnitName\n      scopes\n      loginHint\n      uiLocales\n      prompt\n      maxAge\n      next\n    }\n  }\n": typeof types.OidcAuthRequestDocument,
    "\n  mutation SsoSignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      mustChangePassword\n    }\n  }\n": typeof types.SsoSignInDocument,
    "\n  mutation SsoSignOut {\n    signOut\n  }\n": typeof types.SsoSignOutDocument,
    "\n  mutation ApproveOidcAuthRequest($id: ID!) {\n    approveOIDCAuthRequest(id: $id) {\n      url\n    }\n  }\n": typeof types.ApproveOidcAuthRequestDocument,
    "\n  mutation DenyOidcAuthRequest($id: ID!) {\n    denyOIDCAuthRequest(id: $id) {\n      url\n    }\n  }\n": typeof types.DenyOidcAuthRequestDocument,
    "\n  query ConnectedApps {\n    connectedApps {\n      clientID\n      clientName\n      scopes\n      grantedAt\n      lastUsedAt\n    }\n  }\n": typeof types.ConnectedAppsDocument,
    "\n  mutation RevokeConnectedApp($clientID: ID!) {\n    revokeConnectedApp(clientID: $clientID)\n  }\n": typeof types.RevokeConnectedAppDocument,
    "\n  fragment OidcClientFields on OIDCClient {\n    id\n    name\n    scopes\n    public\n    disabled\n    createdAt\n    updatedAt\n    redirectURIs\n    postLogoutRedirectURIs\n    backchannelLogoutURI\n    previousSecretValidUntil\n    unit {\n      id\n      code\n      name\n    }\n  }\n": typeof types.OidcClientFieldsFragmentDoc,
    "\n  query OidcClients($search: String, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    oidcClients(search: $search, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...OidcClientFields\n        }\n      }\n    }\n  }\n": typeof types.OidcClientsDocument,
    "\n  query OidcClient($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on OIDCClient {\n        ...OidcClientFields\n        recentBackchannelDeliveries {\n          id\n          createdAt\n          updatedAt\n          reason\n          status\n          attempts\n          lastHTTPStatus\n          lastError\n          deliveredAt\n        }\n      }\n    }\n  }\n": typeof types.OidcClientDocument,
    "\n  mutation CreateOidcClient($input: CreateOIDCClientInput!) {\n    createOIDCClient(input: $input) {\n      clientSecret\n      client {\n        ...OidcClientFields\n      }\n    }\n  }\n": typeof types.CreateOidcClientDocument,
    "\n  mutation UpdateOidcClient($id: ID!, $input: UpdateOIDCClientInput!) {\n    updateOIDCClient(id: $id, input: $input) {\n      ...OidcClientFields\n    }\n  }\n": typeof types.UpdateOidcClientDocument,
    "\n  mutation SetOidcClientDisabled($id: ID!, $disabled: Boolean!) {\n    setOIDCClientDisabled(id: $id, disabled: $disabled) {\n      ...OidcClientFields\n    }\n  }\n": typeof types.SetOidcClientDisabledDocument,
    "\n  mutation RotateOidcClientSecret($id: ID!) {\n    rotateOIDCClientSecret(id: $id) {\n      clientSecret\n      client {\n        ...OidcClientFields\n      }\n    }\n  }\n": typeof types.RotateOidcClientSecretDocument,
    "\n  query Statistics($filter: StatsFilter, $groupBy: StatsGroupBy!) {\n    statistics(filter: $filter) {\n      from\n      to\n      unit {\n        id\n        name\n        isServiceDesk\n      }\n      accountsPerDay {\n        day\n        count\n      }\n      accountsBy(groupBy: $groupBy, top: 10) {\n        unit {\n          id\n          name\n          isServiceDesk\n        }\n        officer {\n          id\n        }\n        label\n        count\n        drillable\n      }\n      funnel {\n        started\n        otpSent\n        created\n        cancelled\n        expired\n      }\n      funnelBy(top: 10) {\n        unit {\n          id\n          name\n        }\n        funnel {\n          started\n          otpSent\n          created\n          cancelled\n          expired\n        }\n      }\n      sms {\n        kind\n        carrier\n        sent\n        delivered\n        undelivered\n        failed\n        noReport\n      }\n      smsDelivery {\n        day\n        delivered\n        p50Seconds\n        p95Seconds\n      }\n      otp {\n        codesSent\n        resends\n        attemptsExhausted\n        accountsCreated\n        codesPerAccount\n      }\n    }\n  }\n": typeof types.StatisticsDocument,
    "\n  subscription StatisticsChanged($unitID: ID) {\n    statisticsChanged(unitID: $unitID) {\n      at\n    }\n  }\n": typeof types.StatisticsChangedDocument,
    "\n  query Signals($filter: SignalFilter, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    signals(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...SignalFields\n        }\n      }\n    }\n  }\n": typeof types.SignalsDocument,
    "\n  fragment SignalFields on Signal {\n    id\n    kind\n    unit {\n      id\n      name\n    }\n    officer {\n      id\n      account {\n        id\n        fullName\n      }\n    }\n    value\n    threshold\n    day\n    detectedAt\n    subjectIDs\n    reviewed\n    reviewedAt\n    reviewedBy {\n      id\n      account {\n        id\n        fullName\n      }\n    }\n    reviewNote\n  }\n": typeof types.SignalFieldsFragmentDoc,
    "\n  mutation ReviewSignal($id: ID!, $note: String) {\n    reviewSignal(id: $id, note: $note) {\n      ...SignalFields\n    }\n  }\n": typeof types.ReviewSignalDocument,
    "\n  query SignalSettings {\n    signalSettings {\n      ...SignalSettingsFields\n    }\n  }\n": typeof types.SignalSettingsDocument,
    "\n  fragment SignalSettingsFields on SignalSettings {\n    sharedPhoneAccounts\n    deskDropOffFactor\n    lookupBudgetShare\n    openingFrom\n    openingTo\n    unusedPasswordShare\n  }\n": typeof types.SignalSettingsFieldsFragmentDoc,
    "\n  mutation UpdateSignalSettings($input: SignalSettingsInput!) {\n    updateSignalSettings(input: $input) {\n      ...SignalSettingsFields\n    }\n  }\n": typeof types.UpdateSignalSettingsDocument,
};
const documents: Documents = {
    "\n  query Accounts($search: String, $status: AccountStatus, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    accounts(search: $search, status: $status, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      totalCountCapped\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...AccountFields\n        }\n      }\n    }\n  }\n": types.AccountsDocument,
    "\n  mutation AddOfficer($accountID: ID!) {\n    addOfficer(accountID: $accountID) {\n      ...OfficerFields\n    }\n  }\n": types.AddOfficerDocument,
    "\n  query AuditEvents($first: Int, $after: Cursor, $last: Int, $before: Cursor, $where: AuditEventWhereInput) {\n    auditEvents(first: $first, after: $after, last: $last, before: $before, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          at\n          action\n          targetType\n          targetID\n          detail\n          actor\n          clientIP\n        }\n      }\n    }\n  }\n": types.AuditEventsDocument,
    "\n  query AuditActors($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      ... on Account {\n        id\n        fullName\n      }\n    }\n  }\n": types.AuditActorsDocument,
    "\n  query Officer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Officer {\n        ...OfficerFields\n      }\n    }\n  }\n": types.OfficerDocument,
    "\n  mutation MoveOfficer($officerID: ID!, $unitID: ID!) {\n    moveOfficer(officerID: $officerID, unitID: $unitID) {\n      officer {\n        ...OfficerFields\n      }\n      notice {\n        code\n        message\n      }\n    }\n  }\n": types.MoveOfficerDocument,
    "\n  mutation SetOfficerPermissions($officerID: ID!, $permissions: [Permission!]!) {\n    setOfficerPermissions(officerID: $officerID, permissions: $permissions) {\n      ...OfficerFields\n    }\n  }\n": types.SetOfficerPermissionsDocument,
    "\n  mutation GrantAdmin($accountID: ID!, $unitID: ID!) {\n    grantAdmin(accountID: $accountID, unitID: $unitID) {\n      ...OfficerFields\n    }\n  }\n": types.GrantAdminDocument,
    "\n  query Officers($search: String, $status: AccountStatus, $unitID: ID, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    officers(search: $search, status: $status, unitID: $unitID, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...OfficerFields\n        }\n      }\n    }\n  }\n": types.OfficersDocument,
    "\n  query SMSMessages($status: SMSStatus, $first: Int, $after: Cursor) {\n    smsMessages(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          ...SMSFields\n        }\n      }\n    }\n  }\n": types.SmsMessagesDocument,
    "\n  subscription SMSActivity($unitID: ID) {\n    smsActivity(unitID: $unitID) {\n      ...SMSFields\n    }\n  }\n": types.SmsActivityDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n": types.ChangePasswordDocument,
    "\n  mutation RequestPasswordReset($login: String!) {\n    requestPasswordReset(login: $login)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input)\n  }\n": types.ResetPasswordDocument,
    "\n  mutation RevokeSession($sessionID: ID!) {\n    revokeSession(sessionID: $sessionID)\n  }\n": types.RevokeSessionDocument,
    "\n  mutation SignOutEverywhere {\n    signOutEverywhere\n  }\n": types.SignOutEverywhereDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      mustChangePassword\n      viewer {\n        roles\n      }\n    }\n  }\n": types.SignInDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": types.SignOutDocument,
    "\n  query Viewer {\n    viewer {\n      roles\n      permissions\n      currentSessionID\n      sessions {\n        id\n        createdAt\n        lastSeenAt\n        expiresAt\n        userAgent\n      }\n      account {\n        ...AccountFields\n      }\n      officer {\n        ...OfficerFields\n      }\n    }\n  }\n": types.ViewerDocument,
    "\n  query Units($search: String, $serviceDesksOnly: Boolean, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    units(search: $search, serviceDesksOnly: $serviceDesksOnly, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...UnitFields\n        }\n      }\n    }\n  }\n": types.UnitsDocument,
    "\n  fragment AccountFields on Account {\n    id\n    idNumberMasked\n    fullName\n    dateOfBirth\n    phoneMasked\n    email\n    status\n    origin\n    mustChangePassword\n    createdAt\n  }\n": types.AccountFieldsFragmentDoc,
    "\n  fragment UnitFields on Unit {\n    id\n    code\n    name\n    kind\n    isServiceDesk\n    parent {\n      id\n      code\n      name\n    }\n  }\n": types.UnitFieldsFragmentDoc,
    "\n  fragment OfficerFields on Officer {\n    id\n    permissions\n    isAdmin\n    isSuperAdmin\n    canCreateCitizenAccounts\n    blockers\n    manageable\n    adminUnit {\n      id\n      code\n      name\n    }\n    account {\n      ...AccountFields\n    }\n    unit {\n      ...UnitFields\n    }\n  }\n": types.OfficerFieldsFragmentDoc,
    "\n  fragment SMSFields on SMSMessage {\n    id\n    kind\n    status\n    phoneMasked\n    attempts\n    lastError\n    createdAt\n    updatedAt\n    sentAt\n    finalAt\n  }\n": types.SmsFieldsFragmentDoc,
    "\n  fragment RegistrationFields on Registration {\n    id\n    code\n    state\n    fullName\n    dateOfBirth\n    phoneMasked\n    email\n    otpSentAt\n    otpExpiresAt\n    otpAttemptsLeft\n    resendAvailableAt\n    requestFormURL\n    scanURL\n    createdAt\n    updatedAt\n    unit {\n      id\n      code\n      name\n    }\n    account {\n      id\n      fullName\n      status\n      mustChangePassword\n    }\n    sms {\n      ...SMSFields\n    }\n  }\n": types.RegistrationFieldsFragmentDoc,
    "\n  query CitizenAccountsCreatedByMe($first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    citizenAccountsCreatedByMe(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...AccountFields\n        }\n      }\n    }\n  }\n": types.CitizenAccountsCreatedByMeDocument,
    "\n  query MyRegistrations($first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    registrations(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          state\n          fullName\n          phoneMasked\n          createdAt\n        }\n      }\n    }\n  }\n": types.MyRegistrationsDocument,
    "\n  query LookupCitizen($idNumber: String!) {\n    lookupCitizen(idNumber: $idNumber) {\n      exists\n      maskedName\n      warnings\n      idKind\n      province\n    }\n  }\n": types.LookupCitizenDocument,
    "\n  mutation StartRegistration($input: StartRegistrationInput!) {\n    startRegistration(input: $input) {\n      ...RegistrationFields\n    }\n  }\n": types.StartRegistrationDocument,
    "\n  query Registration($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Registration {\n        ...RegistrationFields\n      }\n    }\n  }\n": types.RegistrationDocument,
    "\n  mutation SendRegistrationOTP($registrationID: ID!) {\n    sendRegistrationOTP(registrationID: $registrationID) {\n      ...RegistrationFields\n    }\n  }\n": types.SendRegistrationOtpDocument,
    "\n  mutation CompleteRegistration($registrationID: ID!, $code: String!) {\n    completeRegistration(registrationID: $registrationID, code: $code) {\n      ...RegistrationFields\n    }\n  }\n": types.CompleteRegistrationDocument,
    "\n  mutation CancelRegistration($registrationID: ID!) {\n    cancelRegistration(registrationID: $registrationID) {\n      ...RegistrationFields\n    }\n  }\n": types.CancelRegistrationDocument,
    "\n  mutation ResendInitialPassword($accountID: ID!) {\n    resendInitialPassword(accountID: $accountID) {\n      ...SMSFields\n    }\n  }\n": types.ResendInitialPasswordDocument,
    "\n  subscription RegistrationEvents($registrationID: ID!) {\n    registrationEvents(registrationID: $registrationID) {\n      kind\n      at\n      sms {\n        ...SMSFields\n      }\n      registration {\n        ...RegistrationFields\n      }\n    }\n  }\n": types.RegistrationEventsDocument,
    "\n  query OidcAuthRequest($id: ID!) {\n    oidcAuthRequest(id: $id) {\n      id\n      clientName\n      clientUnitName\n      scopes\n      loginHint\n      uiLocales\n      prompt\n      maxAge\n      next\n    }\n  }\n": types.OidcAuthRequestDocument,
    "\n  mutation SsoSignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      mustChangePassword\n    }\n  }\n": types.SsoSignInDocument,
    "\n  mutation SsoSignOut {\n    signOut\n  }\n": types.SsoSignOutDocument,
    "\n  mutation ApproveOidcAuthRequest($id: ID!) {\n    approveOIDCAuthRequest(id: $id) {\n      url\n    }\n  }\n": types.ApproveOidcAuthRequestDocument,
    "\n  mutation DenyOidcAuthRequest($id: ID!) {\n    denyOIDCAuthRequest(id: $id) {\n      url\n    }\n  }\n": types.DenyOidcAuthRequestDocument,
    "\n  query ConnectedApps {\n    connectedApps {\n      clientID\n      clientName\n      scopes\n      grantedAt\n      lastUsedAt\n    }\n  }\n": types.ConnectedAppsDocument,
    "\n  mutation RevokeConnectedApp($clientID: ID!) {\n    revokeConnectedApp(clientID: $clientID)\n  }\n": types.RevokeConnectedAppDocument,
    "\n  fragment OidcClientFields on OIDCClient {\n    id\n    name\n    scopes\n    public\n    disabled\n    createdAt\n    updatedAt\n    redirectURIs\n    postLogoutRedirectURIs\n    backchannelLogoutURI\n    previousSecretValidUntil\n    unit {\n      id\n      code\n      name\n    }\n  }\n": types.OidcClientFieldsFragmentDoc,
    "\n  query OidcClients($search: String, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    oidcClients(search: $search, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...OidcClientFields\n        }\n      }\n    }\n  }\n": types.OidcClientsDocument,
    "\n  query OidcClient($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on OIDCClient {\n        ...OidcClientFields\n        recentBackchannelDeliveries {\n          id\n          createdAt\n          updatedAt\n          reason\n          status\n          attempts\n          lastHTTPStatus\n          lastError\n          deliveredAt\n        }\n      }\n    }\n  }\n": types.OidcClientDocument,
    "\n  mutation CreateOidcClient($input: CreateOIDCClientInput!) {\n    createOIDCClient(input: $input) {\n      clientSecret\n      client {\n        ...OidcClientFields\n      }\n    }\n  }\n": types.CreateOidcClientDocument,
    "\n  mutation UpdateOidcClient($id: ID!, $input: UpdateOIDCClientInput!) {\n    updateOIDCClient(id: $id, input: $input) {\n      ...OidcClientFields\n    }\n  }\n": types.UpdateOidcClientDocument,
    "\n  mutation SetOidcClientDisabled($id: ID!, $disabled: Boolean!) {\n    setOIDCClientDisabled(id: $id, disabled: $disabled) {\n      ...OidcClientFields\n    }\n  }\n": types.SetOidcClientDisabledDocument,
    "\n  mutation RotateOidcClientSecret($id: ID!) {\n    rotateOIDCClientSecret(id: $id) {\n      clientSecret\n      client {\n        ...OidcClientFields\n      }\n    }\n  }\n": types.RotateOidcClientSecretDocument,
    "\n  query Statistics($filter: StatsFilter, $groupBy: StatsGroupBy!) {\n    statistics(filter: $filter) {\n      from\n      to\n      unit {\n        id\n        name\n        isServiceDesk\n      }\n      accountsPerDay {\n        day\n        count\n      }\n      accountsBy(groupBy: $groupBy, top: 10) {\n        unit {\n          id\n          name\n          isServiceDesk\n        }\n        officer {\n          id\n        }\n        label\n        count\n        drillable\n      }\n      funnel {\n        started\n        otpSent\n        created\n        cancelled\n        expired\n      }\n      funnelBy(top: 10) {\n        unit {\n          id\n          name\n        }\n        funnel {\n          started\n          otpSent\n          created\n          cancelled\n          expired\n        }\n      }\n      sms {\n        kind\n        carrier\n        sent\n        delivered\n        undelivered\n        failed\n        noReport\n      }\n      smsDelivery {\n        day\n        delivered\n        p50Seconds\n        p95Seconds\n      }\n      otp {\n        codesSent\n        resends\n        attemptsExhausted\n        accountsCreated\n        codesPerAccount\n      }\n    }\n  }\n": types.StatisticsDocument,
    "\n  subscription StatisticsChanged($unitID: ID) {\n    statisticsChanged(unitID: $unitID) {\n      at\n    }\n  }\n": types.StatisticsChangedDocument,
    "\n  query Signals($filter: SignalFilter, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    signals(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...SignalFields\n        }\n      }\n    }\n  }\n": types.SignalsDocument,
    "\n  fragment SignalFields on Signal {\n    id\n    kind\n    unit {\n      id\n      name\n    }\n    officer {\n      id\n      account {\n        id\n        fullName\n      }\n    }\n    value\n    threshold\n    day\n    detectedAt\n    subjectIDs\n    reviewed\n    reviewedAt\n    reviewedBy {\n      id\n      account {\n        id\n        fullName\n      }\n    }\n    reviewNote\n  }\n": types.SignalFieldsFragmentDoc,
    "\n  mutation ReviewSignal($id: ID!, $note: String) {\n    reviewSignal(id: $id, note: $note) {\n      ...SignalFields\n    }\n  }\n": types.ReviewSignalDocument,
    "\n  query SignalSettings {\n    signalSettings {\n      ...SignalSettingsFields\n    }\n  }\n": types.SignalSettingsDocument,
    "\n  fragment SignalSettingsFields on SignalSettings {\n    sharedPhoneAccounts\n    deskDropOffFactor\n    lookupBudgetShare\n    openingFrom\n    openingTo\n    unusedPasswordShare\n  }\n": types.SignalSettingsFieldsFragmentDoc,
    "\n  mutation UpdateSignalSettings($input: SignalSettingsInput!) {\n    updateSignalSettings(input: $input) {\n      ...SignalSettingsFields\n    }\n  }\n": types.UpdateSignalSettingsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Accounts($search: String, $status: AccountStatus, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    accounts(search: $search, status: $status, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      totalCountCapped\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...AccountFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Accounts($search: String, $status: AccountStatus, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    accounts(search: $search, status: $status, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      totalCountCapped\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...AccountFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddOfficer($accountID: ID!) {\n    addOfficer(accountID: $accountID) {\n      ...OfficerFields\n    }\n  }\n"): (typeof documents)["\n  mutation AddOfficer($accountID: ID!) {\n    addOfficer(accountID: $accountID) {\n      ...OfficerFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEvents($first: Int, $after: Cursor, $last: Int, $before: Cursor, $where: AuditEventWhereInput) {\n    auditEvents(first: $first, after: $after, last: $last, before: $before, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          at\n          action\n          targetType\n          targetID\n          detail\n          actor\n          clientIP\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditEvents($first: Int, $after: Cursor, $last: Int, $before: Cursor, $where: AuditEventWhereInput) {\n    auditEvents(first: $first, after: $after, last: $last, before: $before, where: $where) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          at\n          action\n          targetType\n          targetID\n          detail\n          actor\n          clientIP\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditActors($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      ... on Account {\n        id\n        fullName\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditActors($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      ... on Account {\n        id\n        fullName\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Officer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Officer {\n        ...OfficerFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Officer($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Officer {\n        ...OfficerFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MoveOfficer($officerID: ID!, $unitID: ID!) {\n    moveOfficer(officerID: $officerID, unitID: $unitID) {\n      officer {\n        ...OfficerFields\n      }\n      notice {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation MoveOfficer($officerID: ID!, $unitID: ID!) {\n    moveOfficer(officerID: $officerID, unitID: $unitID) {\n      officer {\n        ...OfficerFields\n      }\n      notice {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetOfficerPermissions($officerID: ID!, $permissions: [Permission!]!) {\n    setOfficerPermissions(officerID: $officerID, permissions: $permissions) {\n      ...OfficerFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetOfficerPermissions($officerID: ID!, $permissions: [Permission!]!) {\n    setOfficerPermissions(officerID: $officerID, permissions: $permissions) {\n      ...OfficerFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GrantAdmin($accountID: ID!, $unitID: ID!) {\n    grantAdmin(accountID: $accountID, unitID: $unitID) {\n      ...OfficerFields\n    }\n  }\n"): (typeof documents)["\n  mutation GrantAdmin($accountID: ID!, $unitID: ID!) {\n    grantAdmin(accountID: $accountID, unitID: $unitID) {\n      ...OfficerFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Officers($search: String, $status: AccountStatus, $unitID: ID, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    officers(search: $search, status: $status, unitID: $unitID, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...OfficerFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Officers($search: String, $status: AccountStatus, $unitID: ID, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    officers(search: $search, status: $status, unitID: $unitID, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...OfficerFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SMSMessages($status: SMSStatus, $first: Int, $after: Cursor) {\n    smsMessages(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          ...SMSFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SMSMessages($status: SMSStatus, $first: Int, $after: Cursor) {\n    smsMessages(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          ...SMSFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SMSActivity($unitID: ID) {\n    smsActivity(unitID: $unitID) {\n      ...SMSFields\n    }\n  }\n"): (typeof documents)["\n  subscription SMSActivity($unitID: ID) {\n    smsActivity(unitID: $unitID) {\n      ...SMSFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n"): (typeof documents)["\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($login: String!) {\n    requestPasswordReset(login: $login)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($login: String!) {\n    requestPasswordReset(login: $login)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input)\n  }\n"): (typeof documents)["\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($sessionID: ID!) {\n    revokeSession(sessionID: $sessionID)\n  }\n"): (typeof documents)["\n  mutation RevokeSession($sessionID: ID!) {\n    revokeSession(sessionID: $sessionID)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOutEverywhere {\n    signOutEverywhere\n  }\n"): (typeof documents)["\n  mutation SignOutEverywhere {\n    signOutEverywhere\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      mustChangePassword\n      viewer {\n        roles\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      mustChangePassword\n      viewer {\n        roles\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut {\n    signOut\n  }\n"): (typeof documents)["\n  mutation SignOut {\n    signOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      roles\n      permissions\n      currentSessionID\n      sessions {\n        id\n        createdAt\n        lastSeenAt\n        expiresAt\n        userAgent\n      }\n      account {\n        ...AccountFields\n      }\n      officer {\n        ...OfficerFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      roles\n      permissions\n      currentSessionID\n      sessions {\n        id\n        createdAt\n        lastSeenAt\n        expiresAt\n        userAgent\n      }\n      account {\n        ...AccountFields\n      }\n      officer {\n        ...OfficerFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Units($search: String, $serviceDesksOnly: Boolean, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    units(search: $search, serviceDesksOnly: $serviceDesksOnly, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...UnitFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Units($search: String, $serviceDesksOnly: Boolean, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    units(search: $search, serviceDesksOnly: $serviceDesksOnly, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...UnitFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AccountFields on Account {\n    id\n    idNumberMasked\n    fullName\n    dateOfBirth\n    phoneMasked\n    email\n    status\n    origin\n    mustChangePassword\n    createdAt\n  }\n"): (typeof documents)["\n  fragment AccountFields on Account {\n    id\n    idNumberMasked\n    fullName\n    dateOfBirth\n    phoneMasked\n    email\n    status\n    origin\n    mustChangePassword\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UnitFields on Unit {\n    id\n    code\n    name\n    kind\n    isServiceDesk\n    parent {\n      id\n      code\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment UnitFields on Unit {\n    id\n    code\n    name\n    kind\n    isServiceDesk\n    parent {\n      id\n      code\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OfficerFields on Officer {\n    id\n    permissions\n    isAdmin\n    isSuperAdmin\n    canCreateCitizenAccounts\n    blockers\n    manageable\n    adminUnit {\n      id\n      code\n      name\n    }\n    account {\n      ...AccountFields\n    }\n    unit {\n      ...UnitFields\n    }\n  }\n"): (typeof documents)["\n  fragment OfficerFields on Officer {\n    id\n    permissions\n    isAdmin\n    isSuperAdmin\n    canCreateCitizenAccounts\n    blockers\n    manageable\n    adminUnit {\n      id\n      code\n      name\n    }\n    account {\n      ...AccountFields\n    }\n    unit {\n      ...UnitFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SMSFields on SMSMessage {\n    id\n    kind\n    status\n    phoneMasked\n    attempts\n    lastError\n    createdAt\n    updatedAt\n    sentAt\n    finalAt\n  }\n"): (typeof documents)["\n  fragment SMSFields on SMSMessage {\n    id\n    kind\n    status\n    phoneMasked\n    attempts\n    lastError\n    createdAt\n    updatedAt\n    sentAt\n    finalAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RegistrationFields on Registration {\n    id\n    code\n    state\n    fullName\n    dateOfBirth\n    phoneMasked\n    email\n    otpSentAt\n    otpExpiresAt\n    otpAttemptsLeft\n    resendAvailableAt\n    requestFormURL\n    scanURL\n    createdAt\n    updatedAt\n    unit {\n      id\n      code\n      name\n    }\n    account {\n      id\n      fullName\n      status\n      mustChangePassword\n    }\n    sms {\n      ...SMSFields\n    }\n  }\n"): (typeof documents)["\n  fragment RegistrationFields on Registration {\n    id\n    code\n    state\n    fullName\n    dateOfBirth\n    phoneMasked\n    email\n    otpSentAt\n    otpExpiresAt\n    otpAttemptsLeft\n    resendAvailableAt\n    requestFormURL\n    scanURL\n    createdAt\n    updatedAt\n    unit {\n      id\n      code\n      name\n    }\n    account {\n      id\n      fullName\n      status\n      mustChangePassword\n    }\n    sms {\n      ...SMSFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CitizenAccountsCreatedByMe($first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    citizenAccountsCreatedByMe(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...AccountFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CitizenAccountsCreatedByMe($first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    citizenAccountsCreatedByMe(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...AccountFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyRegistrations($first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    registrations(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          state\n          fullName\n          phoneMasked\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyRegistrations($first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    registrations(first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          id\n          state\n          fullName\n          phoneMasked\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LookupCitizen($idNumber: String!) {\n    lookupCitizen(idNumber: $idNumber) {\n      exists\n      maskedName\n      warnings\n      idKind\n      province\n    }\n  }\n"): (typeof documents)["\n  query LookupCitizen($idNumber: String!) {\n    lookupCitizen(idNumber: $idNumber) {\n      exists\n      maskedName\n      warnings\n      idKind\n      province\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartRegistration($input: StartRegistrationInput!) {\n    startRegistration(input: $input) {\n      ...RegistrationFields\n    }\n  }\n"): (typeof documents)["\n  mutation StartRegistration($input: StartRegistrationInput!) {\n    startRegistration(input: $input) {\n      ...RegistrationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Registration($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Registration {\n        ...RegistrationFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query Registration($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Registration {\n        ...RegistrationFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendRegistrationOTP($registrationID: ID!) {\n    sendRegistrationOTP(registrationID: $registrationID) {\n      ...RegistrationFields\n    }\n  }\n"): (typeof documents)["\n  mutation SendRegistrationOTP($registrationID: ID!) {\n    sendRegistrationOTP(registrationID: $registrationID) {\n      ...RegistrationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteRegistration($registrationID: ID!, $code: String!) {\n    completeRegistration(registrationID: $registrationID, code: $code) {\n      ...RegistrationFields\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteRegistration($registrationID: ID!, $code: String!) {\n    completeRegistration(registrationID: $registrationID, code: $code) {\n      ...RegistrationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelRegistration($registrationID: ID!) {\n    cancelRegistration(registrationID: $registrationID) {\n      ...RegistrationFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelRegistration($registrationID: ID!) {\n    cancelRegistration(registrationID: $registrationID) {\n      ...RegistrationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResendInitialPassword($accountID: ID!) {\n    resendInitialPassword(accountID: $accountID) {\n      ...SMSFields\n    }\n  }\n"): (typeof documents)["\n  mutation ResendInitialPassword($accountID: ID!) {\n    resendInitialPassword(accountID: $accountID) {\n      ...SMSFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RegistrationEvents($registrationID: ID!) {\n    registrationEvents(registrationID: $registrationID) {\n      kind\n      at\n      sms {\n        ...SMSFields\n      }\n      registration {\n        ...RegistrationFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription RegistrationEvents($registrationID: ID!) {\n    registrationEvents(registrationID: $registrationID) {\n      kind\n      at\n      sms {\n        ...SMSFields\n      }\n      registration {\n        ...RegistrationFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OidcAuthRequest($id: ID!) {\n    oidcAuthRequest(id: $id) {\n      id\n      clientName\n      clientUnitName\n      scopes\n      loginHint\n      uiLocales\n      prompt\n      maxAge\n      next\n    }\n  }\n"): (typeof documents)["\n  query OidcAuthRequest($id: ID!) {\n    oidcAuthRequest(id: $id) {\n      id\n      clientName\n      clientUnitName\n      scopes\n      loginHint\n      uiLocales\n      prompt\n      maxAge\n      next\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SsoSignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      mustChangePassword\n    }\n  }\n"): (typeof documents)["\n  mutation SsoSignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      mustChangePassword\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SsoSignOut {\n    signOut\n  }\n"): (typeof documents)["\n  mutation SsoSignOut {\n    signOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveOidcAuthRequest($id: ID!) {\n    approveOIDCAuthRequest(id: $id) {\n      url\n    }\n  }\n"): (typeof documents)["\n  mutation ApproveOidcAuthRequest($id: ID!) {\n    approveOIDCAuthRequest(id: $id) {\n      url\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DenyOidcAuthRequest($id: ID!) {\n    denyOIDCAuthRequest(id: $id) {\n      url\n    }\n  }\n"): (typeof documents)["\n  mutation DenyOidcAuthRequest($id: ID!) {\n    denyOIDCAuthRequest(id: $id) {\n      url\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConnectedApps {\n    connectedApps {\n      clientID\n      clientName\n      scopes\n      grantedAt\n      lastUsedAt\n    }\n  }\n"): (typeof documents)["\n  query ConnectedApps {\n    connectedApps {\n      clientID\n      clientName\n      scopes\n      grantedAt\n      lastUsedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeConnectedApp($clientID: ID!) {\n    revokeConnectedApp(clientID: $clientID)\n  }\n"): (typeof documents)["\n  mutation RevokeConnectedApp($clientID: ID!) {\n    revokeConnectedApp(clientID: $clientID)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OidcClientFields on OIDCClient {\n    id\n    name\n    scopes\n    public\n    disabled\n    createdAt\n    updatedAt\n    redirectURIs\n    postLogoutRedirectURIs\n    backchannelLogoutURI\n    previousSecretValidUntil\n    unit {\n      id\n      code\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment OidcClientFields on OIDCClient {\n    id\n    name\n    scopes\n    public\n    disabled\n    createdAt\n    updatedAt\n    redirectURIs\n    postLogoutRedirectURIs\n    backchannelLogoutURI\n    previousSecretValidUntil\n    unit {\n      id\n      code\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OidcClients($search: String, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    oidcClients(search: $search, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...OidcClientFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OidcClients($search: String, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    oidcClients(search: $search, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...OidcClientFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OidcClient($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on OIDCClient {\n        ...OidcClientFields\n        recentBackchannelDeliveries {\n          id\n          createdAt\n          updatedAt\n          reason\n          status\n          attempts\n          lastHTTPStatus\n          lastError\n          deliveredAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OidcClient($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on OIDCClient {\n        ...OidcClientFields\n        recentBackchannelDeliveries {\n          id\n          createdAt\n          updatedAt\n          reason\n          status\n          attempts\n          lastHTTPStatus\n          lastError\n          deliveredAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOidcClient($input: CreateOIDCClientInput!) {\n    createOIDCClient(input: $input) {\n      clientSecret\n      client {\n        ...OidcClientFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateOidcClient($input: CreateOIDCClientInput!) {\n    createOIDCClient(input: $input) {\n      clientSecret\n      client {\n        ...OidcClientFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateOidcClient($id: ID!, $input: UpdateOIDCClientInput!) {\n    updateOIDCClient(id: $id, input: $input) {\n      ...OidcClientFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateOidcClient($id: ID!, $input: UpdateOIDCClientInput!) {\n    updateOIDCClient(id: $id, input: $input) {\n      ...OidcClientFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetOidcClientDisabled($id: ID!, $disabled: Boolean!) {\n    setOIDCClientDisabled(id: $id, disabled: $disabled) {\n      ...OidcClientFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetOidcClientDisabled($id: ID!, $disabled: Boolean!) {\n    setOIDCClientDisabled(id: $id, disabled: $disabled) {\n      ...OidcClientFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateOidcClientSecret($id: ID!) {\n    rotateOIDCClientSecret(id: $id) {\n      clientSecret\n      client {\n        ...OidcClientFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateOidcClientSecret($id: ID!) {\n    rotateOIDCClientSecret(id: $id) {\n      clientSecret\n      client {\n        ...OidcClientFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Statistics($filter: StatsFilter, $groupBy: StatsGroupBy!) {\n    statistics(filter: $filter) {\n      from\n      to\n      unit {\n        id\n        name\n        isServiceDesk\n      }\n      accountsPerDay {\n        day\n        count\n      }\n      accountsBy(groupBy: $groupBy, top: 10) {\n        unit {\n          id\n          name\n          isServiceDesk\n        }\n        officer {\n          id\n        }\n        label\n        count\n        drillable\n      }\n      funnel {\n        started\n        otpSent\n        created\n        cancelled\n        expired\n      }\n      funnelBy(top: 10) {\n        unit {\n          id\n          name\n        }\n        funnel {\n          started\n          otpSent\n          created\n          cancelled\n          expired\n        }\n      }\n      sms {\n        kind\n        carrier\n        sent\n        delivered\n        undelivered\n        failed\n        noReport\n      }\n      smsDelivery {\n        day\n        delivered\n        p50Seconds\n        p95Seconds\n      }\n      otp {\n        codesSent\n        resends\n        attemptsExhausted\n        accountsCreated\n        codesPerAccount\n      }\n    }\n  }\n"): (typeof documents)["\n  query Statistics($filter: StatsFilter, $groupBy: StatsGroupBy!) {\n    statistics(filter: $filter) {\n      from\n      to\n      unit {\n        id\n        name\n        isServiceDesk\n      }\n      accountsPerDay {\n        day\n        count\n      }\n      accountsBy(groupBy: $groupBy, top: 10) {\n        unit {\n          id\n          name\n          isServiceDesk\n        }\n        officer {\n          id\n        }\n        label\n        count\n        drillable\n      }\n      funnel {\n        started\n        otpSent\n        created\n        cancelled\n        expired\n      }\n      funnelBy(top: 10) {\n        unit {\n          id\n          name\n        }\n        funnel {\n          started\n          otpSent\n          created\n          cancelled\n          expired\n        }\n      }\n      sms {\n        kind\n        carrier\n        sent\n        delivered\n        undelivered\n        failed\n        noReport\n      }\n      smsDelivery {\n        day\n        delivered\n        p50Seconds\n        p95Seconds\n      }\n      otp {\n        codesSent\n        resends\n        attemptsExhausted\n        accountsCreated\n        codesPerAccount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription StatisticsChanged($unitID: ID) {\n    statisticsChanged(unitID: $unitID) {\n      at\n    }\n  }\n"): (typeof documents)["\n  subscription StatisticsChanged($unitID: ID) {\n    statisticsChanged(unitID: $unitID) {\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Signals($filter: SignalFilter, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    signals(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...SignalFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Signals($filter: SignalFilter, $first: Int, $after: Cursor, $last: Int, $before: Cursor) {\n    signals(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        node {\n          ...SignalFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SignalFields on Signal {\n    id\n    kind\n    unit {\n      id\n      name\n    }\n    officer {\n      id\n      account {\n        id\n        fullName\n      }\n    }\n    value\n    threshold\n    day\n    detectedAt\n    subjectIDs\n    reviewed\n    reviewedAt\n    reviewedBy {\n      id\n      account {\n        id\n        fullName\n      }\n    }\n    reviewNote\n  }\n"): (typeof documents)["\n  fragment SignalFields on Signal {\n    id\n    kind\n    unit {\n      id\n      name\n    }\n    officer {\n      id\n      account {\n        id\n        fullName\n      }\n    }\n    value\n    threshold\n    day\n    detectedAt\n    subjectIDs\n    reviewed\n    reviewedAt\n    reviewedBy {\n      id\n      account {\n        id\n        fullName\n      }\n    }\n    reviewNote\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviewSignal($id: ID!, $note: String) {\n    reviewSignal(id: $id, note: $note) {\n      ...SignalFields\n    }\n  }\n"): (typeof documents)["\n  mutation ReviewSignal($id: ID!, $note: String) {\n    reviewSignal(id: $id, note: $note) {\n      ...SignalFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SignalSettings {\n    signalSettings {\n      ...SignalSettingsFields\n    }\n  }\n"): (typeof documents)["\n  query SignalSettings {\n    signalSettings {\n      ...SignalSettingsFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SignalSettingsFields on SignalSettings {\n    sharedPhoneAccounts\n    deskDropOffFactor\n    lookupBudgetShare\n    openingFrom\n    openingTo\n    unusedPasswordShare\n  }\n"): (typeof documents)["\n  fragment SignalSettingsFields on SignalSettings {\n    sharedPhoneAccounts\n    deskDropOffFactor\n    lookupBudgetShare\n    openingFrom\n    openingTo\n    unusedPasswordShare\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSignalSettings($input: SignalSettingsInput!) {\n    updateSignalSettings(input: $input) {\n      ...SignalSettingsFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateSignalSettings($input: SignalSettingsInput!) {\n    updateSignalSettings(input: $input) {\n      ...SignalSettingsFields\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;