//! The dry run's output: what a push would do, per child and in total.

use super::*;

impl Transfer {
    pub(super) fn build_plan(&self) -> PushPlan {
        let root = &self.nodes[0];
        let root_is_index = root.blob_refs.is_empty() && self.nodes.len() > 1;
        let plans: Vec<ChildPlan> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| if root_is_index { *i != 0 } else { *i == 0 })
            .map(|(_, node)| self.child_plan(node))
            .collect();
        let mut plan = PushPlan {
            digest: root.digest.clone(),
            media_type: root.media_type.clone(),
            root_present: root.present,
            children: plans,
            blobs_present: 0,
            blobs_to_mount: 0,
            blobs_to_copy: 0,
            bytes_to_mount: 0,
            bytes_to_copy: 0,
        };
        for blob in &self.blobs {
            match &blob.decision {
                Some(BlobAction::Present) => plan.blobs_present += 1,
                Some(BlobAction::Mount { .. }) => {
                    plan.blobs_to_mount += 1;
                    plan.bytes_to_mount += blob.size;
                }
                Some(BlobAction::Copy { .. }) => {
                    plan.blobs_to_copy += 1;
                    plan.bytes_to_copy += blob.size;
                }
                None => {}
            }
        }
        plan
    }

    pub(super) fn child_plan(&self, node: &Node) -> ChildPlan {
        let mut plan = ChildPlan {
            digest: node.digest.clone(),
            media_type: node.media_type.clone(),
            platform: node.platform.clone(),
            action: ChildAction::Present,
            source: if node.present {
                None
            } else {
                node.source.clone()
            },
            blobs: node.blob_refs.len(),
            blobs_present: 0,
            blobs_to_mount: 0,
            blobs_to_copy: 0,
            bytes_to_mount: 0,
            bytes_to_copy: 0,
        };
        if node.present {
            return plan;
        }
        let mut copy_from = None;
        let mut mount_from = None;
        for &b in &node.blob_refs {
            let blob = &self.blobs[b];
            match &blob.decision {
                Some(BlobAction::Present) | None => plan.blobs_present += 1,
                Some(BlobAction::Mount { from }) => {
                    plan.blobs_to_mount += 1;
                    plan.bytes_to_mount += blob.size;
                    mount_from.get_or_insert_with(|| from.clone());
                }
                Some(BlobAction::Copy { from }) => {
                    plan.blobs_to_copy += 1;
                    plan.bytes_to_copy += blob.size;
                    copy_from.get_or_insert_with(|| from.clone());
                }
            }
        }
        plan.action = match (copy_from, mount_from) {
            (Some(from), _) => ChildAction::Copy { from },
            (None, Some(from)) => ChildAction::Mount { from },
            (None, None) => ChildAction::ManifestOnly,
        };
        plan
    }
}
