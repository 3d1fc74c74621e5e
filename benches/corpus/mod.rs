//! The corpus generator behind `examples/gen-corpus.rs` and the criterion benches: a
//! deterministic, realistic mixed repository, in memory.
//!
//! The layout is a monorepo of services, each with the files platform teams write:
//!
//! - `.github/workflows/<svc>-{ci,deploy,release}.yml` (~14% of files)
//! - `services/<svc>/Dockerfile` (~16%), `services/<svc>/docker-compose.yml` (~6%)
//! - `deploy/<svc>/*.yaml`: multi-document Kubernetes manifests (~20%)
//! - `infra/<env>/<module>/{main,variables,outputs,versions}.tf` (~44%)
//!
//! Sizes and shapes follow `fixtures/` and the seed documents, and so do the problems, at
//! realistic rates: actions pinned to tags, `:latest` images, no `USER`, no healthchecks, no
//! resource limits, databases published on all interfaces, `curl | sh`, S3 buckets without
//! encryption, security groups open to the world, and plaintext passwords made of obviously
//! fake values (`changeme-local-dev`). No token-shaped strings are ever written.
//!
//! The same file count and seed give byte-identical output on every platform: a small
//! SplitMix64 generator, no dependency.

#![allow(dead_code)] // each bench uses part of it

use std::fmt::Write as _;

/// SplitMix64: tiny, fast, good enough for picking templates.
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `pct` percent.
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    /// `n` hex digits (for commit SHAs and digests: never token-shaped).
    fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(n);
        s
    }
}

const WORDS: &[&str] = &[
    "api",
    "auth",
    "billing",
    "cart",
    "catalog",
    "checkout",
    "search",
    "users",
    "orders",
    "payments",
    "notify",
    "gateway",
    "reports",
    "inventory",
    "media",
    "ledger",
    "profile",
    "session",
    "queue",
    "events",
];
const FAKE_PASSWORDS: &[&str] = &[
    "changeme-local-dev",
    "admin",
    "postgres",
    "devpassword1",
    "not-a-real-secret",
    "letmein-dev",
];

/// What a generated file is, for grouping by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    Workflow,
    Dockerfile,
    Compose,
    K8s,
    Terraform,
}

impl GenKind {
    pub const ALL: [GenKind; 5] = [
        GenKind::Workflow,
        GenKind::Dockerfile,
        GenKind::Compose,
        GenKind::K8s,
        GenKind::Terraform,
    ];
    pub fn name(self) -> &'static str {
        match self {
            GenKind::Workflow => "workflow",
            GenKind::Dockerfile => "dockerfile",
            GenKind::Compose => "compose",
            GenKind::K8s => "k8s",
            GenKind::Terraform => "terraform",
        }
    }
}

/// One generated file: its path relative to the repository root, its kind, its text.
pub struct GenFile {
    pub rel: String,
    pub kind: GenKind,
    pub text: String,
}

/// A repository of exactly `files` files (a Terraform module may be cut short at the end).
pub fn generate(files: usize, seed: u64) -> Vec<GenFile> {
    let mut rng = Rng(seed);
    let mut out: Vec<GenFile> = Vec::with_capacity(files);
    let push = |out: &mut Vec<GenFile>, kind, rel: String, text: String| {
        if out.len() < files {
            out.push(GenFile { rel, kind, text });
        }
    };
    let mut svc = 0usize;
    let mut module = 0usize;
    while out.len() < files {
        // per service: a Dockerfile, often compose, manifests, a workflow or two; and about
        // one Terraform module (4 files) per service
        let name = format!("{}-{svc:04}", WORDS[svc % WORDS.len()]);
        let t = dockerfile(&mut rng);
        push(
            &mut out,
            GenKind::Dockerfile,
            format!("services/{name}/Dockerfile"),
            t,
        );
        if rng.chance(40) {
            let t = compose(&mut rng, &name);
            push(
                &mut out,
                GenKind::Compose,
                format!("services/{name}/docker-compose.yml"),
                t,
            );
        }
        let docs = 2 + rng.below(5);
        let t = manifests(&mut rng, &name, docs);
        push(&mut out, GenKind::K8s, format!("deploy/{name}/app.yaml"), t);
        if rng.chance(30) {
            let docs = 1 + rng.below(2);
            let t = manifests(&mut rng, &name, docs);
            push(
                &mut out,
                GenKind::K8s,
                format!("deploy/{name}/worker.yaml"),
                t,
            );
        }
        for flavour in ["ci", "deploy", "release"] {
            if (flavour == "ci" && rng.chance(45)) || rng.chance(15) {
                let t = workflow(&mut rng, &name, flavour);
                push(
                    &mut out,
                    GenKind::Workflow,
                    format!(".github/workflows/{name}-{flavour}.yml"),
                    t,
                );
            }
        }
        if rng.chance(70) {
            let env = rng.pick(&["dev", "staging", "prod"]);
            let dir = format!("infra/{env}/{}-{module:04}", rng.pick(TF_MODULES));
            for (file, text) in terraform_module(&mut rng, &name) {
                push(&mut out, GenKind::Terraform, format!("{dir}/{file}"), text);
            }
            module += 1;
        }
        svc += 1;
    }
    out
}

/// `count` documents in one manifest (the "one huge file" case).
pub fn big_manifest(count: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut s = String::new();
    let mut left = count;
    let mut i = 0;
    while left > 0 {
        let n = left.min(1 + rng.below(6));
        if !s.is_empty() {
            s.push_str("---\n");
        }
        let name = format!("{}-{i:05}", WORDS[i % WORDS.len()]);
        s.push_str(&manifests(&mut rng, &name, n));
        left -= n;
        i += 1;
    }
    s
}

fn action(rng: &mut Rng, name: &str, version: &str) -> String {
    // about a third pinned to a full commit SHA, the rest to a tag (gha/unpinned-action)
    if rng.chance(35) {
        format!("{name}@{} # {version}", rng.hex(40))
    } else {
        format!("{name}@{version}")
    }
}

fn workflow(rng: &mut Rng, svc: &str, flavour: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "name: {svc} {flavour}\n");
    match flavour {
        "ci" if rng.chance(10) => {
            // the dangerous one: pull_request_target checking out the head
            let _ = writeln!(
                s,
                "on:\n  pull_request_target:\n    types: [opened, synchronize]\n"
            );
        }
        "ci" => {
            let _ = writeln!(
                s,
                "on:\n  push:\n    branches: [main]\n    paths: ['services/{svc}/**']\n  pull_request:\n    paths: ['services/{svc}/**']\n"
            );
        }
        "deploy" => {
            let _ = writeln!(
                s,
                "on:\n  push:\n    branches: [main]\n  workflow_dispatch:\n"
            );
        }
        _ => {
            let _ = writeln!(s, "on:\n  push:\n    tags: ['v*']\n");
        }
    }
    if rng.chance(40) {
        let _ = writeln!(s, "permissions:\n  contents: read\n");
    } else if rng.chance(15) {
        let _ = writeln!(s, "permissions: write-all\n");
    }
    if rng.chance(30) {
        let pw = rng.pick(FAKE_PASSWORDS);
        let _ = writeln!(s, "env:\n  NODE_ENV: test\n  DB_PASSWORD: {pw}\n");
    }
    s.push_str("jobs:\n");
    let lang = rng.below(3);
    let (setup, ver, install, test) = match lang {
        0 => (
            "actions/setup-node",
            "v4",
            "npm ci",
            "npm test -- --coverage",
        ),
        1 => (
            "actions/setup-python",
            "v5",
            "pip install -r requirements.txt",
            "pytest --cov=app --cov-fail-under=80",
        ),
        _ => ("actions/setup-go", "v5", "go mod download", "go test ./..."),
    };
    // test job
    let _ = writeln!(s, "  test:\n    runs-on: ubuntu-latest");
    if rng.chance(60) {
        let _ = writeln!(s, "    timeout-minutes: {}", 10 + rng.below(30));
    }
    if rng.chance(25) {
        let pw = rng.pick(FAKE_PASSWORDS);
        let _ = write!(
            s,
            "    services:\n      postgres:\n        image: postgres:16\n        env:\n          POSTGRES_PASSWORD: {pw}\n        ports: ['5432:5432']\n"
        );
        if rng.chance(50) {
            s.push_str("        options: >-\n          --health-cmd pg_isready\n          --health-interval 10s\n");
        }
    }
    let _ = writeln!(
        s,
        "    steps:\n      - uses: {}",
        action(rng, "actions/checkout", "v4")
    );
    if flavour == "ci" && s.contains("pull_request_target") {
        s.push_str("        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n");
    } else if rng.chance(50) {
        s.push_str("        with:\n          persist-credentials: false\n");
    }
    let _ = write!(
        s,
        "      - uses: {}\n        with:\n          cache: true\n      - run: {install}\n",
        action(rng, setup, ver)
    );
    if rng.chance(15) {
        s.push_str("      - name: Greet\n        run: echo \"Checking ${{ github.event.pull_request.title }}\"\n");
    }
    let _ = writeln!(s, "      - name: Test\n        run: {test}");
    if rng.chance(20) {
        s.push_str("        continue-on-error: true\n");
    }
    if rng.chance(40) {
        let _ = writeln!(
            s,
            "      - uses: {}\n        with:\n          name: coverage\n          path: coverage/",
            action(rng, "actions/upload-artifact", "v4")
        );
    }
    if rng.chance(10) {
        s.push_str("      - run: curl -sSL https://example.com/install.sh | bash\n");
    }
    // build and deploy
    if flavour != "ci" || rng.chance(50) {
        let _ = writeln!(s, "\n  build:\n    runs-on: ubuntu-latest");
        if rng.chance(80) {
            s.push_str("    needs: [test]\n");
        }
        s.push_str("    permissions:\n      contents: read\n      packages: write\n      id-token: write\n");
        let _ = writeln!(
            s,
            "    steps:\n      - uses: {}\n      - uses: {}\n        with:\n          registry: ghcr.io\n          username: ${{{{ github.actor }}}}\n          password: ${{{{ secrets.GITHUB_TOKEN }}}}\n      - uses: {}\n        with:\n          context: services/{svc}\n          push: true\n          tags: ghcr.io/example/{svc}:${{{{ github.sha }}}}",
            action(rng, "actions/checkout", "v4"),
            action(rng, "docker/login-action", "v3"),
            action(rng, "docker/build-push-action", "v6"),
        );
    }
    if flavour == "deploy" || flavour == "release" {
        let _ = writeln!(
            s,
            "\n  deploy:\n    runs-on: ubuntu-latest\n    needs: [build]"
        );
        if rng.chance(60) {
            s.push_str("    environment: production\n");
        }
        if rng.chance(50) {
            s.push_str("    timeout-minutes: 15\n");
        }
        let _ = writeln!(
            s,
            "    steps:\n      - uses: {}\n      - uses: {}\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy-{svc}\n          aws-region: eu-west-1\n      - run: |\n          kubectl set image deployment/{svc} app=ghcr.io/example/{svc}:${{{{ github.sha }}}}\n          kubectl rollout status deployment/{svc} --timeout=120s",
            action(rng, "actions/checkout", "v4"),
            action(rng, "aws-actions/configure-aws-credentials", "v4"),
        );
    }
    s
}

fn dockerfile(rng: &mut Rng) -> String {
    let mut s = String::new();
    let lang = rng.below(4);
    let digest = if rng.chance(15) {
        format!("@sha256:{}", rng.hex(64))
    } else {
        String::new()
    };
    let multi = rng.chance(50);
    match lang {
        0 => {
            let tag = rng.pick(&["20-alpine", "22-slim", "latest", "20"]);
            if multi {
                let _ = write!(
                    s,
                    "FROM node:{tag}{digest} AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n\n"
                );
                let _ = write!(
                    s,
                    "FROM node:{tag}{digest}\nWORKDIR /app\nENV NODE_ENV=production\nCOPY --from=build /app/dist ./dist\nCOPY --from=build /app/node_modules ./node_modules\n"
                );
            } else {
                let _ = write!(
                    s,
                    "FROM node:{tag}{digest}\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\n"
                );
            }
        }
        1 => {
            let tag = rng.pick(&["3.12-slim", "3.11", "latest", "3.12-slim-bookworm"]);
            let _ = write!(s, "FROM python:{tag}{digest}\nWORKDIR /app\n");
            if rng.chance(60) {
                s.push_str("RUN apt-get update && apt-get install -y \\\n    build-essential \\\n    libpq-dev \\\n    curl\n");
            } else {
                s.push_str("RUN apt-get update \\\n && apt-get install -y --no-install-recommends libpq5 \\\n && rm -rf /var/lib/apt/lists/*\n");
            }
            if rng.chance(50) {
                s.push_str("COPY requirements.txt .\nRUN pip install -r requirements.txt\n");
            } else {
                s.push_str(
                    "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
                );
            }
            s.push_str("COPY . .\n");
        }
        2 => {
            let tag = rng.pick(&["1.22", "1.23-alpine", "latest"]);
            let _ = write!(
                s,
                "FROM golang:{tag}{digest} AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\n\n"
            );
            let base = rng.pick(&[
                "gcr.io/distroless/static:nonroot",
                "alpine:3.20",
                "scratch",
                "ubuntu",
            ]);
            let _ = write!(s, "FROM {base}\nCOPY --from=build /out/app /app\n");
        }
        _ => {
            let tag = rng.pick(&["22.04", "24.04", "latest"]);
            let _ = write!(
                s,
                "FROM ubuntu:{tag}{digest}\nRUN apt-get update && apt-get install -y curl ca-certificates nginx\n"
            );
            if rng.chance(40) {
                s.push_str("RUN curl -fsSL https://example.com/install.sh | sh\n");
            }
            if rng.chance(30) {
                s.push_str("ADD https://example.com/tool.tar.gz /opt/\n");
            }
            s.push_str("COPY nginx.conf /etc/nginx/nginx.conf\n");
        }
    }
    if rng.chance(15) {
        let pw = rng.pick(FAKE_PASSWORDS);
        let _ = writeln!(s, "ENV DB_PASSWORD={pw}");
    }
    if rng.chance(10) {
        s.push_str("RUN cd /app && chmod +x entrypoint.sh\n");
    }
    let _ = writeln!(s, "EXPOSE {}", rng.pick(&["80", "3000", "8000", "8080"]));
    if rng.chance(45) {
        s.push_str("HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost/health || exit 1\n");
    }
    if rng.chance(55) {
        s.push_str("USER 10001\n");
    }
    match lang {
        0 => s.push_str("CMD [\"node\", \"dist/server.js\"]\n"),
        1 if rng.chance(30) => s.push_str("CMD gunicorn app:app --bind 0.0.0.0:8000\n"),
        1 => s.push_str("CMD [\"gunicorn\", \"app:app\", \"--bind\", \"0.0.0.0:8000\"]\n"),
        2 => s.push_str("ENTRYPOINT [\"/app\"]\n"),
        _ => s.push_str("CMD [\"nginx\", \"-g\", \"daemon off;\"]\n"),
    }
    s
}

fn compose(rng: &mut Rng, svc: &str) -> String {
    let mut s = String::new();
    if rng.chance(50) {
        s.push_str("version: '3.8'\n\n");
    }
    s.push_str("services:\n");
    let _ = writeln!(
        s,
        "  {svc}:\n    build: .\n    ports:\n      - \"8080:8080\""
    );
    let pw = rng.pick(FAKE_PASSWORDS);
    let _ = writeln!(
        s,
        "    environment:\n      DATABASE_URL: postgres://app@db:5432/app\n      DB_PASSWORD: {pw}\n      LOG_LEVEL: info"
    );
    if rng.chance(50) {
        s.push_str("    depends_on:\n      db:\n        condition: service_healthy\n");
    } else {
        s.push_str("    depends_on:\n      - db\n      - cache\n");
    }
    if rng.chance(40) {
        s.push_str("    deploy:\n      resources:\n        limits:\n          cpus: '1.0'\n          memory: 512M\n");
    }
    if rng.chance(50) {
        s.push_str("    restart: unless-stopped\n");
    }
    if rng.chance(40) {
        s.push_str("    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8080/health\"]\n      interval: 10s\n      timeout: 3s\n      retries: 5\n");
    }
    let db_tag = rng.pick(&["16-alpine", "15", "latest"]);
    let _ = write!(
        s,
        "\n  db:\n    image: postgres:{db_tag}\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: {pw}\n      POSTGRES_DB: app\n    volumes:\n      - db-data:/var/lib/postgresql/data\n"
    );
    if rng.chance(50) {
        s.push_str("    ports:\n      - \"5432:5432\"\n");
    }
    if rng.chance(50) {
        s.push_str("    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U app\"]\n      interval: 5s\n      timeout: 3s\n      retries: 5\n");
    }
    let cache = rng.pick(&["redis:7-alpine", "redis:latest", "redis"]);
    let _ = writeln!(
        s,
        "\n  cache:\n    image: {cache}\n    command: redis-server --appendonly yes"
    );
    if rng.chance(30) {
        s.push_str("    ports:\n      - \"6379:6379\"\n");
    }
    if rng.chance(25) {
        let _ = write!(
            s,
            "\n  grafana:\n    image: grafana/grafana:latest\n    ports:\n      - \"3000:3000\"\n    environment:\n      - GF_SECURITY_ADMIN_PASSWORD=${{GRAFANA_PASSWORD:-admin}}\n"
        );
    }
    if rng.chance(5) {
        s.push_str("\n  cadvisor:\n    image: gcr.io/cadvisor/cadvisor:v0.47.2\n    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n");
    }
    s.push_str("\nvolumes:\n  db-data:\n");
    s
}

fn manifests(rng: &mut Rng, svc: &str, docs: usize) -> String {
    let mut s = String::new();
    for d in 0..docs {
        if d > 0 {
            s.push_str("---\n");
        }
        let ns = if rng.chance(70) {
            format!(
                "  namespace: {}\n",
                rng.pick(&["apps", "platform", "team-a"])
            )
        } else {
            String::new()
        };
        let kind = if d == 0 { 0 } else { rng.below(6) };
        match kind {
            0 | 1 => {
                let tag = if rng.chance(20) {
                    "latest".to_string()
                } else {
                    format!("1.{}.{}", rng.below(20), rng.below(10))
                };
                let _ = write!(
                    s,
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {svc}-{d}\n{ns}  labels:\n    app: {svc}\nspec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: {svc}\n  template:\n    metadata:\n      labels:\n        app: {svc}\n    spec:\n",
                    1 + rng.below(4)
                );
                if rng.chance(50) {
                    s.push_str("      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n");
                }
                if rng.chance(5) {
                    s.push_str("      hostNetwork: true\n");
                }
                let _ = write!(
                    s,
                    "      containers:\n        - name: app\n          image: ghcr.io/example/{svc}:{tag}\n          ports:\n            - containerPort: 8080\n          env:\n            - name: LOG_LEVEL\n              value: info\n"
                );
                if rng.chance(20) {
                    let pw = rng.pick(FAKE_PASSWORDS);
                    let _ = write!(
                        s,
                        "            - name: DB_PASSWORD\n              value: {pw}\n"
                    );
                } else {
                    s.push_str("            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password\n");
                }
                if rng.chance(55) {
                    s.push_str("          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n            limits:\n              memory: 256Mi\n");
                }
                if rng.chance(50) {
                    s.push_str("          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 8080\n          livenessProbe:\n            httpGet:\n              path: /health\n              port: 8080\n");
                }
                if rng.chance(40) {
                    s.push_str("          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop: [ALL]\n");
                } else if rng.chance(5) {
                    s.push_str("          securityContext:\n            privileged: true\n            capabilities:\n              add: [SYS_ADMIN]\n");
                }
            }
            2 => {
                let _ = write!(
                    s,
                    "apiVersion: v1\nkind: Service\nmetadata:\n  name: {svc}-{d}\n{ns}spec:\n  selector:\n    app: {svc}\n  ports:\n    - port: 80\n      targetPort: 8080\n"
                );
            }
            3 => {
                let _ = write!(
                    s,
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {svc}-config-{d}\n{ns}data:\n  LOG_LEVEL: info\n  app.properties: |\n    server.port=8080\n    db.url=jdbc:postgresql://db:5432/app\n    cache.size={}\n",
                    64 * (1 + rng.below(8))
                );
            }
            4 => {
                let _ = write!(
                    s,
                    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {svc}-{d}\n{ns}  annotations:\n    nginx.ingress.kubernetes.io/rewrite-target: /\nspec:\n"
                );
                if rng.chance(50) {
                    let _ = write!(
                        s,
                        "  tls:\n    - hosts: [{svc}.example.com]\n      secretName: {svc}-tls\n"
                    );
                }
                let _ = write!(
                    s,
                    "  rules:\n    - host: {svc}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: {svc}-0\n                port:\n                  number: 80\n"
                );
            }
            _ => {
                let pw = rng.pick(FAKE_PASSWORDS);
                if rng.chance(50) {
                    let _ = write!(
                        s,
                        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {svc}-db-{d}\n{ns}type: Opaque\nstringData:\n  username: app\n  password: {pw}\n"
                    );
                } else {
                    let _ = write!(
                        s,
                        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {svc}-cleanup-{d}\n{ns}spec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: cleanup\n              image: alpine:3.20\n              command: [\"sh\", \"-c\", \"wget -qO- http://{svc}/cleanup\"]\n"
                    );
                }
            }
        }
    }
    s
}

const TF_MODULES: &[&str] = &["storage", "database", "network", "cache", "cluster"];

fn terraform_module(rng: &mut Rng, svc: &str) -> Vec<(&'static str, String)> {
    let mut main = String::new();
    let mut vars = String::new();
    let mut outputs = String::new();
    let _ = write!(
        vars,
        "variable \"name\" {{\n  description = \"Name prefix for every resource\"\n  type        = string\n  default     = \"{svc}\"\n}}\n\nvariable \"environment\" {{\n  type    = string\n  default = \"dev\"\n}}\n\nvariable \"tags\" {{\n  type    = map(string)\n  default = {{}}\n}}\n"
    );
    let parts = 1 + rng.below(3);
    for p in 0..parts {
        match rng.below(5) {
            0 => {
                let _ = write!(
                    main,
                    "resource \"aws_s3_bucket\" \"data_{p}\" {{\n  bucket = \"${{var.name}}-data-{p}\"\n  tags   = var.tags\n}}\n\n"
                );
                if rng.chance(50) {
                    let _ = write!(
                        main,
                        "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"data_{p}\" {{\n  bucket = aws_s3_bucket.data_{p}.id\n  rule {{\n    apply_server_side_encryption_by_default {{\n      sse_algorithm = \"aws:kms\"\n    }}\n  }}\n}}\n\n"
                    );
                }
                if rng.chance(20) {
                    let _ = write!(
                        main,
                        "resource \"aws_s3_bucket_acl\" \"data_{p}\" {{\n  bucket = aws_s3_bucket.data_{p}.id\n  acl    = \"public-read\"\n}}\n\n"
                    );
                }
                let _ = write!(
                    outputs,
                    "output \"bucket_{p}\" {{\n  value = aws_s3_bucket.data_{p}.arn\n}}\n\n"
                );
            }
            1 => {
                let literal = rng.chance(30);
                let _ = write!(
                    vars,
                    "\nvariable \"db_password_{p}\" {{\n  type      = string\n  sensitive = true\n{}}}\n",
                    if rng.chance(30) {
                        format!("  default   = \"{}\"\n", rng.pick(FAKE_PASSWORDS))
                    } else {
                        String::new()
                    }
                );
                let password = if literal {
                    format!("\"{}\"", rng.pick(FAKE_PASSWORDS))
                } else {
                    format!("var.db_password_{p}")
                };
                let _ = write!(
                    main,
                    "resource \"aws_db_instance\" \"db_{p}\" {{\n  identifier              = \"${{var.name}}-db-{p}\"\n  engine                  = \"postgres\"\n  engine_version          = \"16.3\"\n  instance_class          = \"db.t3.medium\"\n  allocated_storage       = {}\n  username                = \"app\"\n  password                = {password}\n  storage_encrypted       = {}\n  backup_retention_period = {}\n  publicly_accessible     = {}\n  skip_final_snapshot     = true\n  tags                    = var.tags\n}}\n\n",
                    20 * (1 + rng.below(5)),
                    rng.chance(70),
                    rng.below(8),
                    rng.chance(10),
                );
                let _ = write!(
                    outputs,
                    "output \"db_endpoint_{p}\" {{\n  value = aws_db_instance.db_{p}.endpoint\n}}\n\n"
                );
            }
            2 => {
                let cidr = if rng.chance(40) {
                    "0.0.0.0/0"
                } else {
                    "10.0.0.0/8"
                };
                let port = rng.pick(&["22", "443", "5432", "6379"]);
                let _ = write!(
                    main,
                    "resource \"aws_security_group\" \"sg_{p}\" {{\n  name        = \"${{var.name}}-sg-{p}\"\n  description = \"service access\"\n  vpc_id      = var.vpc_id\n\n  ingress {{\n    from_port   = {port}\n    to_port     = {port}\n    protocol    = \"tcp\"\n    cidr_blocks = [\"{cidr}\"]\n  }}\n\n  egress {{\n    from_port   = 0\n    to_port     = 0\n    protocol    = \"-1\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }}\n}}\n\n"
                );
                if !vars.contains("\"vpc_id\"") {
                    vars.push_str("\nvariable \"vpc_id\" {\n  type = string\n}\n");
                }
            }
            3 => {
                let _ = write!(
                    main,
                    "resource \"aws_elasticache_replication_group\" \"cache_{p}\" {{\n  replication_group_id       = \"${{var.name}}-cache-{p}\"\n  description                = \"cache\"\n  node_type                  = \"cache.t3.micro\"\n  num_cache_clusters         = 2\n  at_rest_encryption_enabled = {}\n  transit_encryption_enabled = {}\n}}\n\n",
                    rng.chance(60),
                    rng.chance(60),
                );
            }
            _ => {
                let _ = write!(
                    main,
                    "resource \"aws_lb_listener\" \"http_{p}\" {{\n  load_balancer_arn = var.lb_arn\n  port              = {}\n  protocol          = \"{}\"\n\n  default_action {{\n    type             = \"forward\"\n    target_group_arn = var.target_group_arn\n  }}\n}}\n\n",
                    if rng.chance(50) { 80 } else { 443 },
                    if rng.chance(50) { "HTTP" } else { "HTTPS" },
                );
                if !vars.contains("\"lb_arn\"") {
                    vars.push_str("\nvariable \"lb_arn\" {\n  type = string\n}\n\nvariable \"target_group_arn\" {\n  type = string\n}\n");
                }
            }
        }
    }
    let _ = write!(
        main,
        "locals {{\n  common_tags = merge(var.tags, {{\n    Environment = var.environment\n    Service     = \"{svc}\"\n  }})\n}}\n"
    );
    let versions = if rng.chance(60) {
        "terraform {\n  required_version = \">= 1.6\"\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.40\"\n    }\n  }\n}\n\nprovider \"aws\" {\n  region = \"eu-west-1\"\n}\n".to_string()
    } else {
        "terraform {\n  required_providers {\n    aws = {\n      source = \"hashicorp/aws\"\n    }\n  }\n}\n\nprovider \"aws\" {\n  region = \"eu-west-1\"\n}\n".to_string()
    };
    if outputs.is_empty() {
        outputs.push_str("output \"name\" {\n  value = var.name\n}\n");
    }
    vec![
        ("main.tf", main),
        ("variables.tf", vars),
        ("outputs.tf", outputs),
        ("versions.tf", versions),
    ]
}

/// A Dockerfile of `runs` RUN instructions, each a shell script of several commands
/// joined by `&&`, pipes and continuations (for the script-caching bench).
pub fn run_heavy_dockerfile(runs: usize, seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut out = String::from("FROM debian:12-slim AS build\nWORKDIR /src\n");
    for i in 0..runs {
        let pkg = rng.pick(&["curl", "git", "make", "gcc", "python3", "jq", "unzip"]);
        out.push_str(&format!(
            "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends {pkg} \\\n    && curl -fsSL https://example.com/{i}.tar.gz | tar -xz -C /opt \\\n    && ./configure --prefix=/usr/local && make -j\"$(nproc)\" && make install \\\n    && rm -rf /var/lib/apt/lists/*\n"
        ));
    }
    out.push_str("USER 10001\nCMD [\"/usr/local/bin/app\"]\n");
    out
}

/// A workflow of `jobs` jobs with `steps` multi-line `run:` scripts each.
pub fn script_heavy_workflow(jobs: usize, steps: usize, seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
    let mut out =
        String::from("name: ci\non: [push, pull_request]\npermissions:\n  contents: read\njobs:\n");
    for j in 0..jobs {
        out.push_str(&format!(
            "  job{j}:\n    runs-on: ubuntu-latest\n    timeout-minutes: 20\n    steps:\n      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8\n        with:\n          persist-credentials: false\n"
        ));
        for s in 0..steps {
            let tool = rng.pick(&[
                "pytest -q",
                "npm test",
                "cargo test",
                "go test ./...",
                "make check",
            ]);
            out.push_str(&format!(
                "      - name: step {s}\n        run: |\n          set -euo pipefail\n          echo \"building {j}.{s}\" >> \"$GITHUB_STEP_SUMMARY\"\n          if [ -f requirements.txt ]; then pip install -r requirements.txt; fi\n          {tool} --junitxml=out/{s}.xml | tee out/{s}.log\n          curl -fsSL https://example.com/{s} -o /tmp/{s} && sha256sum -c /tmp/{s}.sha256\n"
            ));
        }
    }
    out
}
