// Package gcp evaluates GCP IAM exports for who can create, copy, share,
// export and restore snapshots, images and backups (the entitlement audit
// of issue 7). It imports only the entitlement model and event.
//
// Input: allow policies (`get-iam-policy --format=json`) of the
// organization, folders, projects and service accounts, each resource told
// by a `LEVEL:ID=FILE` argument (ParsePolicyArg) or the file's name
// (ResourceFromName); deny policies; custom role exports; optionally
// `gcloud projects get-ancestors` output. Predefined roles come from
// roles.txt, derived by gen_roles.go (`go generate`) from iann0036/iam-dataset
// and reduced to the permissions catalog.yaml names.
//
// Model:
//   - A capability is held when every permission of one of its catalog
//     requirements is (an AND: creating a disk snapshot needs
//     compute.snapshots.create and compute.disks.createSnapshot). The
//     permissions may come from different bindings and resources, as GCP
//     lets a copy's source and destination sit in different projects.
//   - Allow bindings are inherited organization → folders → project; each
//     member is evaluated at the hierarchy's leaves its bindings reach, and
//     the via chain names the binding's resource and index.
//   - A binding with a condition gives CONDITIONAL (the expression named).
//   - Deny rules attached on a resource's chain cap what they name
//     (deniedPrincipals minus exceptionPrincipals, deniedPermissions in v2
//     form with `*`, minus exceptionPermissions): DENIED, or CONDITIONAL
//     with "unless …" when the rule has a denialCondition. A grant allowed
//     somewhere and denied elsewhere says "except where denied …".
//   - Impersonation: getAccessToken, signJwt, signBlob, implicitDelegation,
//     actAs, serviceAccountKeys.create or serviceAccounts.setIamPolicy on a
//     service account (its own policy, or inherited from its project and
//     above) gives the service account's capabilities, Indirect, with the
//     path; chains of service accounts are followed.
//   - Admin-equivalent: setIamPolicy on the organization, a folder or a
//     project, by permission (whatever the role's name), and iam.roles.update
//     where a custom role the member holds is defined. A member that can set
//     the hierarchy's IAM policy holds every other capability Indirect
//     ("can grant itself any role"), still capped by deny rules.
//   - Group membership exports give each member (nested groups too) its
//     groups' bindings, named "through group:…"; deny rules naming a group
//     reach its members, and exception groups except theirs.
//   - Deleted members, deleted or disabled custom roles grant nothing.
//
// Not modeled (Report.Notes repeats what applies): members of groups
// without a membership export, and of domain:, allUsers and
// allAuthenticatedUsers (each is a principal of its own), resource-level
// policies below
// projects (snapshots, images, disks), Principal Access Boundary policies,
// Privileged Access Manager (every grant is standing), the truth of CEL
// conditions, deny principal sets that have no allow-policy member form
// (workspace customer ids, a project's service accounts), and service
// accounts whose email does not name their project (service agents,
// NUMBER-compute@developer…): those inherit only organization and folder
// bindings.
package gcp
