//! Writes a multi-document Kubernetes manifest for benchmarking the k8s pack:
//! `cargo run --example gen_k8s_manifests -- /tmp/k8s-5000.yaml 5000`, then
//! `cargo run --release -- check /tmp/k8s-5000.yaml --select 'k8s/*'` (time it on an idle
//! machine). The documents cycle through a Deployment with env and probes, a Service, a
//! ConfigMap with a config file, a CronJob with a `sh -c` script and an Ingress.

use std::fmt::Write as _;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "/tmp/k8s-5000.yaml".into());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5000);
    let mut out = String::new();
    for i in 0..count {
        if i > 0 {
            out.push_str("---\n");
        }
        let doc = match i % 5 {
            0 => format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api-{i}\n  namespace: team-{n}\nspec:\n  replicas: 2\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n      containers:\n        - name: api\n          image: example/api:1.{i}.0\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: {{name: db, key: password}}\n            - name: LOG_LEVEL\n              value: info\n          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n            limits: {{memory: 256Mi}}\n          readinessProbe:\n            httpGet: {{path: /ready, port: 8080}}\n",
                n = i % 17
            ),
            1 => format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: api-{i}\nspec:\n  ports:\n    - port: 80\n      targetPort: 8080\n"
            ),
            2 => format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-{i}\ndata:\n  app.properties: |\n    db.url=jdbc:postgresql://db:5432/app\n    db.password=${{DB_PASSWORD}}\n    cache.size=128\n"
            ),
            3 => format!(
                "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: job-{i}\nspec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: sync\n              image: alpine:3.19\n              command:\n                - sh\n                - -c\n                - |\n                  apk add --no-cache curl\n                  curl -fsSL https://example.com/{i} -o /tmp/x\n"
            ),
            _ => format!(
                "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web-{i}\nspec:\n  tls:\n    - hosts: [\"*.example.com\"]\n      secretName: tls\n  rules:\n    - host: app{i}.example.com\n"
            ),
        };
        let _ = write!(out, "{doc}");
    }
    if let Err(e) = std::fs::write(&path, out) {
        eprintln!("cannot write {path}: {e}");
        std::process::exit(1);
    }
    println!("wrote {count} documents to {path}");
}
