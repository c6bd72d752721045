//! The seeded topology: target clusters, namespaces, deployments and backup
//! configurations that the backups belong to.
//!
//! Display names are fixed so that logs and screenshots stay readable; ids are UUIDs drawn
//! from the seed. The catalog is served as JSON at `/devserver/catalog.json`, so a
//! dashboard can offer the ids in a picker.

use serde::Serialize;

use crate::rng::SplitMix64;

/// Snapshots uploaded to an object store. The capability strings are invented for the
/// seeded data.
pub const CAPABILITY_CLOUDSNAP: &str = "pds_backup_capability_cloudsnap";
/// Snapshots kept in the cluster's own storage pool.
pub const CAPABILITY_LOCALSNAP: &str = "pds_backup_capability_localsnap";
/// Snapshots taken through the CSI snapshot API.
pub const CAPABILITY_CSI_SNAPSHOT: &str = "pds_backup_capability_csi_snapshot";

/// A Kubernetes cluster that runs deployments.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetCluster {
    /// UID of the cluster.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Backup capability reported by the cluster, copied into `Config.backup_capability`.
    pub backup_capability: &'static str,
}

/// A namespace on one target cluster.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    /// UID of the namespace.
    pub id: String,
    /// Display name.
    pub name: String,
    /// UID of the cluster the namespace is on.
    pub target_cluster_id: String,
}

/// A data service deployment in one namespace.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// UID of the deployment.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Data service name, such as "PostgreSQL".
    pub data_service: &'static str,
    /// UID of the namespace the deployment is in.
    pub namespace_id: String,
    /// UID of the cluster the deployment is on.
    pub target_cluster_id: String,
    /// Image UIDs in the order the deployment ran them: the first image until
    /// `upgrade_day`, then the second one.
    #[serde(skip)]
    pub image_ids: [String; 2],
    /// Days before the reference instant at which the deployment moved to its second image.
    #[serde(skip)]
    pub upgrade_day: i64,
    /// Portworx volume id of the deployment's data volume, used in cloud snapshot ids.
    #[serde(skip)]
    pub volume_id: u64,
    /// Base-10 logarithm of the deployment's typical backup size in bytes.
    #[serde(skip)]
    pub size_log10: f64,
}

/// When a backup configuration creates backups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Schedule {
    /// Every hour at `minute`.
    Hourly {
        /// Minute past the hour.
        minute: i64,
    },
    /// Every day at `hour:minute` UTC.
    Nightly {
        /// Hour of the day, UTC.
        hour: i64,
        /// Minute past the hour.
        minute: i64,
    },
    /// Every week on `weekday` (0 is Sunday) at `hour:00` UTC.
    Weekly {
        /// Day of the week, 0 for Sunday to 6 for Saturday.
        weekday: i64,
        /// Hour of the day, UTC.
        hour: i64,
    },
    /// On a user's request, during working hours.
    OnDemand,
}

impl Schedule {
    /// Returns the word used in configuration and backup names.
    pub fn label(self) -> &'static str {
        match self {
            Self::Hourly { .. } => "hourly",
            Self::Nightly { .. } => "nightly",
            Self::Weekly { .. } => "weekly",
            Self::OnDemand => "adhoc",
        }
    }

    /// Returns the relative number of backups this schedule produces, used to pick the
    /// configuration of each seeded backup.
    pub fn weight(self) -> f64 {
        match self {
            Self::Hourly { .. } => 4.0,
            Self::Nightly { .. } => 2.0,
            Self::Weekly { .. } => 0.5,
            Self::OnDemand => 0.6,
        }
    }
}

/// A backup configuration of one deployment.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupConfig {
    /// UID of the backup configuration.
    pub id: String,
    /// Display name.
    pub name: String,
    /// UID of the deployment the configuration backs up.
    pub deployment_id: String,
    /// When the configuration creates backups.
    pub schedule: Schedule,
}

/// The whole seeded topology.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    /// Target clusters.
    pub target_clusters: Vec<TargetCluster>,
    /// Namespaces, two per cluster.
    pub namespaces: Vec<Namespace>,
    /// Deployments, each in one namespace.
    pub deployments: Vec<Deployment>,
    /// Backup configurations, two per deployment.
    pub backup_configs: Vec<BackupConfig>,
}

const CLUSTERS: [(&str, &str); 4] = [
    ("prod-us-east-1", CAPABILITY_CLOUDSNAP),
    ("prod-eu-west-1", CAPABILITY_CLOUDSNAP),
    ("staging-us-west-2", CAPABILITY_LOCALSNAP),
    ("dr-ap-southeast-1", CAPABILITY_CSI_SNAPSHOT),
];

/// Namespace names with the index of their cluster in `CLUSTERS`.
const NAMESPACES: [(&str, usize); 8] = [
    ("pds-payments", 0),
    ("pds-catalog", 0),
    ("pds-analytics", 1),
    ("pds-messaging", 1),
    ("pds-staging", 2),
    ("pds-qa", 2),
    ("pds-dr", 3),
    ("pds-platform", 3),
];

struct DeploymentSpec {
    name: &'static str,
    data_service: &'static str,
    namespace: usize,
    size_log10: f64,
    schedules: [Schedule; 2],
}

const fn nightly(hour: i64, minute: i64) -> Schedule {
    Schedule::Nightly { hour, minute }
}

const fn weekly(weekday: i64, hour: i64) -> Schedule {
    Schedule::Weekly { weekday, hour }
}

const fn hourly(minute: i64) -> Schedule {
    Schedule::Hourly { minute }
}

/// Deployments with typical backup sizes from about 5 KB (ZooKeeper) to about 2 TB
/// (Elasticsearch).
const DEPLOYMENTS: [DeploymentSpec; 12] = [
    DeploymentSpec {
        name: "pg-orders",
        data_service: "PostgreSQL",
        namespace: 0,
        size_log10: 10.8,
        schedules: [nightly(3, 12), hourly(5)],
    },
    DeploymentSpec {
        name: "mysql-catalog",
        data_service: "MySQL",
        namespace: 1,
        size_log10: 9.7,
        schedules: [nightly(1, 30), weekly(0, 4)],
    },
    DeploymentSpec {
        name: "cass-events",
        data_service: "Cassandra",
        namespace: 2,
        size_log10: 12.2,
        schedules: [nightly(2, 0), weekly(6, 5)],
    },
    DeploymentSpec {
        name: "kafka-ingest",
        data_service: "Kafka",
        namespace: 3,
        size_log10: 11.6,
        schedules: [nightly(0, 45), Schedule::OnDemand],
    },
    DeploymentSpec {
        name: "redis-sessions",
        data_service: "Redis",
        namespace: 0,
        size_log10: 8.3,
        schedules: [hourly(20), nightly(4, 20)],
    },
    DeploymentSpec {
        name: "mongo-profiles",
        data_service: "MongoDB",
        namespace: 1,
        size_log10: 10.2,
        schedules: [nightly(2, 40), Schedule::OnDemand],
    },
    DeploymentSpec {
        name: "es-logs",
        data_service: "Elasticsearch",
        namespace: 2,
        size_log10: 12.3,
        schedules: [nightly(1, 10), weekly(0, 6)],
    },
    DeploymentSpec {
        name: "cb-cart",
        data_service: "Couchbase",
        namespace: 4,
        size_log10: 9.1,
        schedules: [nightly(3, 50), Schedule::OnDemand],
    },
    DeploymentSpec {
        name: "zk-coord",
        data_service: "ZooKeeper",
        namespace: 5,
        size_log10: 3.7,
        schedules: [hourly(35), nightly(0, 15)],
    },
    DeploymentSpec {
        name: "rabbit-notify",
        data_service: "RabbitMQ",
        namespace: 6,
        size_log10: 6.5,
        schedules: [nightly(5, 5), Schedule::OnDemand],
    },
    DeploymentSpec {
        name: "mssql-billing",
        data_service: "SQL Server",
        namespace: 7,
        size_log10: 10.5,
        schedules: [nightly(22, 30), weekly(5, 23)],
    },
    DeploymentSpec {
        name: "consul-mesh",
        data_service: "Consul",
        namespace: 4,
        size_log10: 4.6,
        schedules: [hourly(50), weekly(1, 2)],
    },
];

impl Catalog {
    /// Builds the topology, with ids drawn from `rng`.
    pub fn generate(rng: &mut SplitMix64) -> Self {
        let target_clusters: Vec<TargetCluster> = CLUSTERS
            .iter()
            .map(|&(name, backup_capability)| TargetCluster {
                id: rng.uuid(),
                name: name.to_owned(),
                backup_capability,
            })
            .collect();

        let namespaces: Vec<Namespace> = NAMESPACES
            .iter()
            .map(|&(name, cluster)| Namespace {
                id: rng.uuid(),
                name: name.to_owned(),
                target_cluster_id: target_clusters[cluster].id.clone(),
            })
            .collect();

        let mut deployments = Vec::with_capacity(DEPLOYMENTS.len());
        let mut backup_configs = Vec::with_capacity(DEPLOYMENTS.len() * 2);
        for spec in &DEPLOYMENTS {
            let namespace = &namespaces[spec.namespace];
            let deployment = Deployment {
                id: rng.uuid(),
                name: spec.name.to_owned(),
                data_service: spec.data_service,
                namespace_id: namespace.id.clone(),
                target_cluster_id: namespace.target_cluster_id.clone(),
                image_ids: [rng.uuid(), rng.uuid()],
                upgrade_day: rng.range(20, 200),
                volume_id: rng.range(100_000_000_000_000_000, 999_999_999_999_999_999) as u64,
                size_log10: spec.size_log10,
            };
            for schedule in spec.schedules {
                backup_configs.push(BackupConfig {
                    id: rng.uuid(),
                    name: format!("{}-{}", spec.name, schedule.label()),
                    deployment_id: deployment.id.clone(),
                    schedule,
                });
            }
            deployments.push(deployment);
        }

        Self {
            target_clusters,
            namespaces,
            deployments,
            backup_configs,
        }
    }

    /// Returns the deployment with UID `id`.
    pub fn deployment(&self, id: &str) -> &Deployment {
        self.deployments
            .iter()
            .find(|deployment| deployment.id == id)
            .expect("every backup configuration refers to a seeded deployment")
    }

    /// Returns the namespace with UID `id`.
    pub fn namespace(&self, id: &str) -> &Namespace {
        self.namespaces
            .iter()
            .find(|namespace| namespace.id == id)
            .expect("every deployment refers to a seeded namespace")
    }

    /// Returns the target cluster with UID `id`.
    pub fn target_cluster(&self, id: &str) -> &TargetCluster {
        self.target_clusters
            .iter()
            .find(|cluster| cluster.id == id)
            .expect("every namespace refers to a seeded target cluster")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn catalog() -> Catalog {
        Catalog::generate(&mut SplitMix64::new(42))
    }

    #[test]
    fn catalog_has_expected_counts() {
        let catalog = catalog();
        assert_eq!(catalog.target_clusters.len(), 4);
        assert_eq!(catalog.namespaces.len(), 8);
        assert_eq!(catalog.deployments.len(), 12);
        assert_eq!(catalog.backup_configs.len(), 24);
    }

    #[test]
    fn catalog_ids_are_unique() {
        let catalog = catalog();
        let mut ids = HashSet::new();
        let all_ids = catalog
            .target_clusters
            .iter()
            .map(|c| &c.id)
            .chain(catalog.namespaces.iter().map(|n| &n.id))
            .chain(catalog.deployments.iter().map(|d| &d.id))
            .chain(catalog.backup_configs.iter().map(|c| &c.id));
        for id in all_ids {
            assert!(ids.insert(id.clone()), "duplicate id {id}");
        }
    }

    #[test]
    fn deployment_cluster_matches_namespace() {
        let catalog = catalog();
        for deployment in &catalog.deployments {
            let namespace = catalog.namespace(&deployment.namespace_id);
            assert_eq!(namespace.target_cluster_id, deployment.target_cluster_id);
        }
    }

    #[test]
    fn same_seed_same_catalog() {
        let first = serde_json::to_string(&catalog()).unwrap();
        let second = serde_json::to_string(&catalog()).unwrap();
        assert_eq!(first, second);
    }
}
