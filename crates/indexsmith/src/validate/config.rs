//! Image configs (OCI `config.md`, Docker's container image JSON), read for their platform.

use super::context::Context;
use super::platform::check_platform_fields;
use crate::diagnostic::Code;
use crate::json::NodeId;
use crate::platform::Platform;

/// Reads the platform of an image config: `os`, `architecture`, `variant`, `os.version`,
/// `os.features`. Missing `os` or `architecture` is a finding, and no platform.
pub(crate) fn check_config(ctx: &mut Context<'_, '_>, root: NodeId) -> Option<Platform> {
    let has_os = ctx.member(root, "os").is_some();
    let has_arch = ctx.member(root, "architecture").is_some();
    if !has_os || !has_arch {
        let missing = match (has_os, has_arch) {
            (false, false) => "`os` and `architecture`",
            (false, true) => "`os`",
            _ => "`architecture`",
        };
        let f = ctx.report(
            Code::ConfigMissingPlatform,
            root,
            format!("the config has no {missing}, so no platform can be derived from it"),
        );
        f.help = Some("give the platform explicitly".into());
        return None;
    }
    check_platform_fields(ctx, root)
}
