//! compose/exposed-datastore-port: a datastore or admin port published on every interface.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::compose::{Compose, Port};

pub static RULE: Rule = rule!("compose/exposed-datastore-port")
    .summary("a datastore or admin port (5432, 3306, 6379, 27017, ...) published on all interfaces")
    .packs(&["least-privilege"])
    .security(6.5)
    .on_compose(check);

/// Well-known datastore, broker and admin ports.
const PORTS: &[(u16, &str)] = &[
    (5432, "PostgreSQL"),
    (3306, "MySQL/MariaDB"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (6379, "Redis"),
    (6380, "Redis"),
    (27017, "MongoDB"),
    (27018, "MongoDB"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch transport"),
    (11211, "Memcached"),
    (2379, "etcd"),
    (2380, "etcd peer"),
    (5672, "RabbitMQ"),
    (15672, "RabbitMQ management"),
    (9042, "Cassandra"),
    (5984, "CouchDB"),
    (8086, "InfluxDB"),
    (7474, "Neo4j"),
    (7687, "Neo4j Bolt"),
    (9092, "Kafka"),
    (2181, "ZooKeeper"),
    (26257, "CockroachDB"),
    (8529, "ArangoDB"),
    (28015, "RethinkDB"),
    (2375, "Docker API"),
    (2376, "Docker API"),
    (4222, "NATS"),
    (8500, "Consul"),
    (8200, "Vault"),
];

fn known(range: &str) -> Option<(u16, &'static str)> {
    Port::expand(range)
        .into_iter()
        .find_map(|p| PORTS.iter().find(|(k, _)| *k == p).copied())
}

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    for svc in compose.services() {
        for port in svc.ports() {
            if !port.on_all_interfaces() {
                continue;
            }
            let Some((num, what)) =
                known(&port.target).or_else(|| port.published.as_deref().and_then(known))
            else {
                continue;
            };
            let host = port.published.as_deref().unwrap_or("a random port");
            out.push(
                cx.finding(
                    port.span,
                    format!("service \"{}\" publishes {what} port {num} on all interfaces (host {host}): bind it to 127.0.0.1 (\"127.0.0.1:{num}:{num}\") or drop ports: and reach it over the compose network", svc.name),
                )
                .help("other services reach it by name on the compose network without ports:; for local tools publish on 127.0.0.1 only"),
            );
        }
    }
}
