// Fragments shared by several screens; each operation lives next to the screen
// that sends it. Types come from `npm run generate` (GraphQL Code Generator
// reading the server's schema in ../graph).
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
    sentAt
    finalAt
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
    updatedAt
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
