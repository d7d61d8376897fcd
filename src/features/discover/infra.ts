import type { Dependency } from "../../model.js";

type Kind = Dependency["kind"];

/** Images of databases, caches and brokers: dependencies of services, never services themselves. */
const IMAGE_KINDS: Array<[RegExp, Kind]> = [
  [/(^|\/)(postgres|postgis|timescaledb|bitnami\/postgresql|cockroach)/, "postgres"],
  [/(^|\/)(mysql|mariadb|percona)/, "mysql"],
  [/(^|\/)(redis|valkey|keydb|dragonfly)/, "redis"],
  [/(^|\/)rabbitmq/, "rabbitmq"],
  [/(^|\/)(kafka|cp-kafka|redpanda|zookeeper|cp-zookeeper)/, "kafka"],
  [/(^|\/)mongo/, "mongo"],
  [/(^|\/)memcached/, "memcached"],
  [/(^|\/)(elasticsearch|opensearch)/, "elasticsearch"],
  [/(^|\/)nats/, "nats"],
  [/(^|\/)(minio|localstack|mailhog|adminer|pgadmin4?|phpmyadmin|jaeger|prometheus|grafana|otel|loki|tempo|nginx|traefik|envoy|haproxy|vault|consul|etcd|clickhouse|influxdb|questdb|garage|seaweedfs|azurite|mailpit|maildev|meilisearch|typesense|neo4j|cassandra|scylla|couchdb)/, "other"],
];

export function infraKindOfImage(image: string | undefined): Kind | undefined {
  if (!image) return undefined;
  const name = image.toLowerCase().replace(/^[^/]+\.[^/]+\//, "").split(/[:@]/)[0]!;
  return IMAGE_KINDS.find(([re]) => re.test(name))?.[1];
}

/** Client libraries per ecosystem that reveal which infrastructure a service talks to. */
const LIBRARY_KINDS: Record<string, Kind> = {
  // Python
  psycopg: "postgres", "psycopg2": "postgres", "psycopg2-binary": "postgres", asyncpg: "postgres", "psycopg-binary": "postgres",
  "pg8000": "postgres", aiopg: "postgres", coredis: "redis", asyncmy: "mysql", redis: "redis", aioredis: "redis", "redis-py-cluster": "redis", pika: "rabbitmq", "aio-pika": "rabbitmq",
  kombu: "rabbitmq", "kafka-python": "kafka", aiokafka: "kafka", "confluent-kafka": "kafka", pymongo: "mongo", motor: "mongo",
  pymysql: "mysql", mysqlclient: "mysql", aiomysql: "mysql", "pymemcache": "memcached", "elasticsearch": "elasticsearch", "nats-py": "nats",
  // Rust
  "tokio-postgres": "postgres", postgres: "postgres", "deadpool-postgres": "postgres", "deadpool-redis": "redis", "bb8-redis": "redis",
  "sqlx-postgres": "postgres", "sqlx-mysql": "mysql", "pq-sys": "postgres", "mysqlclient-sys": "mysql", "bb8-postgres": "postgres", "redis-async": "redis", fred: "redis",
  lapin: "rabbitmq", rdkafka: "kafka", mongodb: "mongo", "async-nats": "nats", mysql_async: "mysql",
  // Node
  pg: "postgres", "pg-promise": "postgres", ioredis: "redis", amqplib: "rabbitmq", kafkajs: "kafka", mongoose: "mongo", mysql2: "mysql",
};

export function infraKindOfLibrary(name: string): Kind | undefined {
  return LIBRARY_KINDS[name.toLowerCase().replace(/_/g, "-")] ?? LIBRARY_KINDS[name.toLowerCase()];
}

/** Connection-string schemes in environment values. */
export function infraKindOfUrl(value: string): Kind | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (!scheme) return undefined;
  if (scheme.startsWith("postgres")) return "postgres";
  if (scheme.startsWith("mysql") || scheme.startsWith("mariadb")) return "mysql";
  if (scheme === "redis" || scheme === "rediss") return "redis";
  if (scheme === "amqp" || scheme === "amqps") return "rabbitmq";
  if (scheme.startsWith("kafka")) return "kafka";
  if (scheme.startsWith("mongodb")) return "mongo";
  if (scheme === "nats") return "nats";
  return undefined;
}
