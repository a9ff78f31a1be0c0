//! The JSON shapes of indexsmith's results, in one place: the npm package returns them (with the
//! `tsify` feature they are its TypeScript declarations, `indexsmith.d.ts`), and the command line
//! prints them with `--json`. Member names are camelCase and absent values `null`, as the
//! package declares them; the `From` impls only reshape the core's (and the registry crate's)
//! values.

mod diff;
mod platform;
#[cfg(feature = "registry")]
mod registry;
mod report;

pub use diff::{Change, EntryDiff, IndexDiff};
pub use platform::{Candidate, Platform};
#[cfg(feature = "registry")]
pub use registry::{InspectResult, InspectedChild, InspectedManifest, RegistryDescriptor};
pub use report::{Diagnostic, Kind, Position, Report, Severity, Span, Validation};
