//! Unit tests of the Terraform layer.

use super::*;

fn parse_ok(text: &str) -> TfFile {
    match parse(text) {
        Ok(f) => f,
        Err(e) => panic!("{e:?} at {:?}", e.span.text(text)),
    }
}

/// The value of the first attribute `key` of the first block.
fn attr_in_block<'f>(f: &'f TfFile, key: &str) -> &'f Attribute {
    f.body.blocks[0].attr(key).expect("attribute")
}

#[test]
fn blocks_attributes_and_labels_have_exact_spans() {
    let t =
        "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"my-logs\"\n  acl    = var.acl\n}\n";
    let f = parse_ok(t);
    assert!(f.body.attributes.is_empty());
    let b = &f.body.blocks[0];
    assert_eq!(b.ident, "resource");
    assert_eq!(b.ident_span.text(t), "resource");
    assert_eq!(b.label(0), Some("aws_s3_bucket"));
    assert_eq!(b.label(1), Some("logs"));
    assert_eq!(b.label(2), None);
    assert_eq!(b.labels[0].1.text(t), "\"aws_s3_bucket\"");
    assert_eq!(b.labels[1].1.text(t), "\"logs\"");
    assert!(b.span.text(t).starts_with("resource \"aws_s3_bucket\""));
    assert!(b.span.text(t).ends_with("var.acl\n}"));
    assert_eq!(b.address(), "aws_s3_bucket.logs");

    let bucket = b.attr("bucket").unwrap();
    assert_eq!(bucket.key_span.text(t), "bucket");
    assert_eq!(bucket.span.text(t), "bucket = \"my-logs\"");
    assert_eq!(bucket.value.span.text(t), "\"my-logs\"");
    assert_eq!(bucket.value.as_str(), Some("my-logs"));
    let acl = b.attr("acl").unwrap();
    assert_eq!(acl.span.text(t), "acl    = var.acl");
    assert_eq!(acl.value.span.text(t), "var.acl");
    assert_eq!(acl.value.var_ref(), Some("acl"));
    assert!(b.attr("missing").is_none());
}

#[test]
fn nested_blocks_keep_source_order() {
    let t = "resource \"aws_security_group\" \"sg\" {\n  name = \"x\"\n  ingress {\n    from_port = 22\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n  description = \"d\"\n  ingress {\n    from_port = 443\n  }\n  dynamic \"egress\" {\n    content { to_port = 0 }\n  }\n}\n";
    let f = parse_ok(t);
    let sg = &f.body.blocks[0];
    assert_eq!(
        sg.body.items,
        vec![
            Item::Attribute(0),
            Item::Block(0),
            Item::Attribute(1),
            Item::Block(1),
            Item::Block(2),
        ]
    );
    let ingress: Vec<&Block> = sg.body.blocks_of("ingress").collect();
    assert_eq!(ingress.len(), 2);
    assert_eq!(ingress[0].ident_span.text(t), "ingress");
    assert_eq!(
        ingress[0].span.text(t),
        "ingress {\n    from_port = 22\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }"
    );
    assert_eq!(
        ingress[0].attr("from_port").unwrap().value.as_number(),
        Some(22.0)
    );
    let cidrs = &ingress[0].attr("cidr_blocks").unwrap().value;
    let ExprKind::Array(items) = &cidrs.kind else {
        panic!("{cidrs:?}")
    };
    assert_eq!(items[0].span.text(t), "\"0.0.0.0/0\"");
    assert_eq!(items[0].as_str(), Some("0.0.0.0/0"));
    assert_eq!(
        ingress[1].attr("from_port").unwrap().value.span.text(t),
        "443"
    );
    let dynamic = sg.body.block("dynamic").unwrap();
    assert_eq!(dynamic.label(0), Some("egress"));
    // a one-line block body
    let content = dynamic.body.block("content").unwrap();
    assert_eq!(content.span.text(t), "content { to_port = 0 }");
    assert_eq!(content.attr("to_port").unwrap().span.text(t), "to_port = 0");
}

#[test]
fn scalars_and_literal_helpers() {
    let t = "a = null\nb = true\nc = \"false\"\nd = 3.5\ne = -2\nf = \"8080\"\ng = \"tab\\there\"\nh = [1, \"x\", { k = false }]\ni = [var.x]\n";
    let f = parse_ok(t);
    let v = |k: &str| &f.body.attr(k).unwrap().value;
    assert_eq!(v("a").kind, ExprKind::Null);
    assert_eq!(v("b").as_bool(), Some(true));
    assert_eq!(v("c").as_bool(), Some(false));
    assert_eq!(v("c").as_str(), Some("false"));
    assert_eq!(v("d").as_number(), Some(3.5));
    assert_eq!(v("e").as_number(), Some(-2.0));
    assert_eq!(v("e").span.text(t), "-2");
    assert_eq!(v("f").as_number(), Some(8080.0));
    assert_eq!(v("g").as_str(), Some("tab\there"));
    assert_eq!(v("b").as_str(), None);
    assert_eq!(v("d").as_bool(), None);
    for k in ["a", "b", "c", "d", "e", "f", "g", "h"] {
        assert!(v(k).is_literal(), "{k}");
    }
    assert!(!v("i").is_literal());
}

#[test]
fn heredocs_become_strings_or_templates() {
    let t = "locals {\n  plain = <<EOT\nline one\n  line two\nEOT\n  indented = <<-EOT\n    {\n      \"a\": 1\n    }\n    EOT\n  templ = <<-EOT\n    hello ${var.name}\n    EOT\n}\n";
    let f = parse_ok(t);
    let plain = attr_in_block(&f, "plain");
    assert_eq!(plain.value.as_str(), Some("line one\n  line two\n"));
    assert_eq!(plain.value.span.text(t), "<<EOT\nline one\n  line two\nEOT");
    let indented = attr_in_block(&f, "indented");
    assert_eq!(indented.value.as_str(), Some("{\n  \"a\": 1\n}\n"));
    assert!(indented.value.span.text(t).starts_with("<<-EOT\n"));
    assert!(indented.value.span.text(t).ends_with("    EOT"));
    let templ = attr_in_block(&f, "templ");
    let ExprKind::Template { parts } = &templ.value.kind else {
        panic!("{:?}", templ.value)
    };
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0], TemplatePart::Literal("hello ".into()));
    let TemplatePart::Interp(name) = &parts[1] else {
        panic!("{parts:?}")
    };
    assert_eq!(name.span.text(t), "var.name");
    assert_eq!(name.var_ref(), Some("name"));
    assert_eq!(parts[2], TemplatePart::Literal("\n".into()));
}

#[test]
fn string_templates_interpolations_and_directives() {
    let t = "a = \"arn:aws:s3:::${aws_s3_bucket.b.id}/*\"\nb = \"$${not} %%{this}\"\nc = \"x%{ if var.on }y%{ endif }\"\nd = \"${local.only}\"\n";
    let f = parse_ok(t);
    let v = |k: &str| &f.body.attr(k).unwrap().value;
    let ExprKind::Template { parts } = &v("a").kind else {
        panic!("{:?}", v("a"))
    };
    assert_eq!(
        v("a").span.text(t),
        "\"arn:aws:s3:::${aws_s3_bucket.b.id}/*\""
    );
    assert_eq!(parts[0], TemplatePart::Literal("arn:aws:s3:::".into()));
    let TemplatePart::Interp(id) = &parts[1] else {
        panic!()
    };
    assert_eq!(id.span.text(t), "aws_s3_bucket.b.id");
    assert_eq!(id.traversal_path().as_deref(), Some("aws_s3_bucket.b.id"));
    assert_eq!(parts[2], TemplatePart::Literal("/*".into()));
    // escaped markers are plain text
    assert_eq!(v("b").as_str(), Some("${not} %{this}"));
    let ExprKind::Template { parts } = &v("c").kind else {
        panic!("{:?}", v("c"))
    };
    let TemplatePart::Directive(span) = parts[1] else {
        panic!("{parts:?}")
    };
    assert_eq!(span.text(t), "%{ if var.on }y%{ endif }");
    let ExprKind::Template { parts } = &v("d").kind else {
        panic!()
    };
    assert!(matches!(&parts[..], [TemplatePart::Interp(e)] if e.local_ref() == Some("only")));
}

#[test]
fn traversals() {
    let t = "a = var.enable_tls\nb = local.x\nc = aws_s3_bucket.b.id\nd = module.m.out\ne = var.list[0]\nf = aws_instance.web[*].id\ng = data.aws_iam_policy_document.p.json\nh = x.0.y\ni = each.value[\"k\"]\nj = self\nk = var.cfg.port\n";
    let f = parse_ok(t);
    let v = |k: &str| &f.body.attr(k).unwrap().value;
    assert_eq!(v("a").var_ref(), Some("enable_tls"));
    assert_eq!(v("a").local_ref(), None);
    assert_eq!(v("b").local_ref(), Some("x"));
    assert_eq!(v("b").var_ref(), None);
    assert_eq!(
        v("c").kind,
        ExprKind::Traversal {
            root: "aws_s3_bucket".into(),
            path: vec![
                TraversalStep::Attr("b".into()),
                TraversalStep::Attr("id".into())
            ],
        }
    );
    assert_eq!(v("d").traversal_path().as_deref(), Some("module.m.out"));
    let ExprKind::Traversal { path, .. } = &v("e").kind else {
        panic!()
    };
    let TraversalStep::Index(ix) = &path[1] else {
        panic!("{path:?}")
    };
    assert_eq!(ix.span.text(t), "0");
    assert_eq!(
        v("e").var_ref(),
        None,
        "var.list[0] is not exactly var.NAME"
    );
    assert_eq!(v("e").span.text(t), "var.list[0]");
    assert_eq!(
        v("f").traversal_path().as_deref(),
        Some("aws_instance.web[*].id")
    );
    assert_eq!(
        v("g").traversal_path().as_deref(),
        Some("data.aws_iam_policy_document.p.json")
    );
    assert_eq!(v("h").traversal_path().as_deref(), Some("x[0].y"));
    assert_eq!(
        v("i").traversal_path().as_deref(),
        Some("each.value[\"k\"]")
    );
    assert_eq!(
        v("j").kind,
        ExprKind::Traversal {
            root: "self".into(),
            path: vec![]
        }
    );
    assert_eq!(v("k").traversal_path().as_deref(), Some("var.cfg.port"));
}

#[test]
fn objects_keep_keys_and_spans() {
    let t = "tags = {\n  Name = \"web\"\n  \"kubernetes.io/role\" = \"x\"\n  (var.k) = 1\n  nested = { a = [] }\n}\n";
    let f = parse_ok(t);
    let tags = &f.body.attr("tags").unwrap().value;
    let ExprKind::Object(items) = &tags.kind else {
        panic!("{tags:?}")
    };
    let keys: Vec<(&str, &str, bool)> = items
        .iter()
        .map(|(k, _)| (k.name.as_str(), k.span.text(t), k.computed))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("Name", "Name", false),
            ("kubernetes.io/role", "\"kubernetes.io/role\"", false),
            ("(var.k)", "(var.k)", true),
            ("nested", "nested", false),
        ]
    );
    assert_eq!(items[0].1.span.text(t), "\"web\"");
    assert_eq!(items[3].1.span.text(t), "{ a = [] }");
    assert!(!tags.is_literal(), "a computed key is not literal");
}

#[test]
fn calls_conditionals_operations_and_others() {
    let t = "a = jsonencode({ Version = \"2012-10-17\" })\nb = var.on ? \"x\" : \"y\"\nc = !var.off\nd = 1 + 2 * 3\ne = [for s in var.l : upper(s)]\nf = (var.x)\ng = provider::aws::arn_parse(\"a\")\nh = f(1)[0]\n";
    let f = parse_ok(t);
    let v = |k: &str| &f.body.attr(k).unwrap().value;
    let ExprKind::FuncCall { name, args } = &v("a").kind else {
        panic!()
    };
    assert_eq!(name, "jsonencode");
    assert_eq!(args[0].span.text(t), "{ Version = \"2012-10-17\" }");
    let ExprKind::Conditional {
        cond,
        then,
        otherwise,
    } = &v("b").kind
    else {
        panic!()
    };
    assert_eq!(cond.span.text(t), "var.on");
    assert_eq!(then.as_str(), Some("x"));
    assert_eq!(otherwise.span.text(t), "\"y\"");
    let ExprKind::Operation { op, operands } = &v("c").kind else {
        panic!()
    };
    assert_eq!((op.as_str(), operands.len()), ("!", 1));
    assert_eq!(operands[0].var_ref(), Some("off"));
    let ExprKind::Operation { op, operands } = &v("d").kind else {
        panic!()
    };
    assert_eq!(op, "+");
    assert_eq!(operands[1].span.text(t), "2 * 3");
    assert_eq!(v("d").span.text(t), "1 + 2 * 3");
    assert_eq!(v("e").kind, ExprKind::Other);
    assert_eq!(v("e").span.text(t), "[for s in var.l : upper(s)]");
    // parentheses are transparent
    assert_eq!(v("f").var_ref(), Some("x"));
    assert_eq!(v("f").span.text(t), "var.x");
    assert!(
        matches!(&v("g").kind, ExprKind::FuncCall { name, .. } if name == "provider::aws::arn_parse")
    );
    assert_eq!(v("h").kind, ExprKind::Other);
}

#[test]
fn addresses() {
    let t = "resource \"aws_db_instance\" \"main\" {}\ndata \"aws_iam_policy\" \"x\" {}\nvariable \"region\" {}\nmodule \"vpc\" {}\nprovider \"aws\" {}\nprovider \"aws\" {\n  alias = \"west\"\n}\noutput \"id\" {}\nlocals {}\nterraform {}\n";
    let f = parse_ok(t);
    let addrs: Vec<String> = f.body.blocks.iter().map(Block::address).collect();
    assert_eq!(
        addrs,
        [
            "aws_db_instance.main",
            "data.aws_iam_policy.x",
            "var.region",
            "module.vpc",
            "provider.aws",
            "provider.aws.west",
            "output.id",
            "locals",
            "terraform",
        ]
    );
}

#[test]
fn comments_are_collected_but_not_inside_strings_or_heredocs() {
    let t = "# top\na = \"#not\" // trailing\n/* block\n spans */\nb = <<EOT\n# not a comment\nEOT\nc = 1 # last\r\n";
    let f = parse_ok(t);
    let comments: Vec<&str> = f.comments.iter().map(|s| s.text(t)).collect();
    assert_eq!(
        comments,
        ["# top", "// trailing", "/* block\n spans */", "# last"]
    );
    assert_eq!(f.body.attr("a").unwrap().value.as_str(), Some("#not"));
}

#[test]
fn crlf_spans_stay_exact() {
    let t = "resource \"a\" \"b\" {\r\n  x = \"y\"\r\n  h = <<EOT\r\nhi\r\nEOT\r\n  n {\r\n    z = 1\r\n  }\r\n}\r\n";
    let f = parse_ok(t);
    let b = &f.body.blocks[0];
    assert_eq!(b.attr("x").unwrap().span.text(t), "x = \"y\"");
    assert_eq!(b.attr("x").unwrap().value.as_str(), Some("y"));
    let h = &b.attr("h").unwrap().value;
    assert_eq!(h.span.text(t), "<<EOT\r\nhi\r\nEOT");
    assert_eq!(h.as_str(), Some("hi\r\n"));
    let n = b.body.block("n").unwrap();
    assert_eq!(n.span.text(t), "n {\r\n    z = 1\r\n  }");
    assert_eq!(n.attr("z").unwrap().value.span.text(t), "1");
}

#[test]
fn byte_order_mark_keeps_offsets() {
    let t = "\u{feff}a = \"b\"\n";
    let f = parse_ok(t);
    let a = f.body.attr("a").unwrap();
    assert_eq!(a.key_span.text(t), "a");
    assert_eq!(a.value.span.text(t), "\"b\"");
}

#[test]
fn syntax_errors_point_at_the_problem() {
    let t = "resource \"a\" \"b\" {\n  x = 1 2\n}\n";
    let e = parse(t).unwrap_err();
    assert_eq!(e.span.start, t.find("2\n").unwrap());
    assert_eq!(e.span.text(t), "2");
    assert!(e.message.contains("newline"), "{}", e.message);

    // an unterminated list points at the end of the input
    let t = "x {\n  a = [1,\n";
    let e = parse(t).unwrap_err();
    assert_eq!(e.span, Span::empty(t.len()));
    assert!(e.message.contains(']'), "{}", e.message);

    // columns count chars, not bytes
    let t = "a = \"é\" ?\n";
    let e = parse(t).unwrap_err();
    assert_eq!(e.span.start, t.find('?').unwrap() + 1, "{e:?}");

    let e = parse("a = 1\na = 2\n").unwrap_err();
    assert!(e.message.contains("redefined"), "{}", e.message);
    assert_eq!(e.span, Span::new(6, 7));
}

/// Run `f` on a thread with the default 2 MiB stack, as rayon workers have.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no stack overflow, no panic")
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let shapes: [(&str, &str); 5] = [
        ("[", "]"),
        ("{a = ", "}"),
        ("(", ")"),
        ("\"${", "}\""),
        ("f(", ")"),
    ];
    for (open, close) in shapes {
        for depth in [10_000, 300] {
            let src = format!("a = {}1{}\n", open.repeat(depth), close.repeat(depth));
            let e = on_small_stack(move || parse(&src)).unwrap_err();
            assert!(e.message.contains("nesting"), "{open}: {}", e.message);
            assert!(e.span.start > 4);
        }
        // too deep for hcl-edit's own limit (64), not for the pre-scan
        let src = format!("a = {}1{}\n", open.repeat(100), close.repeat(100));
        let e = on_small_stack(move || parse(&src)).unwrap_err();
        assert!(e.message.contains("nest"), "{open}: {}", e.message);
        // deep but accepted
        let src = format!("a = {}1{}\n", open.repeat(60), close.repeat(60));
        let f = on_small_stack(move || parse(&src));
        assert!(f.is_ok(), "{open}: {f:?}");
    }
    // unclosed, and nested blocks
    let src = "[".repeat(10_000);
    assert!(on_small_stack(move || parse(&src)).is_err());
    let src = format!("{}{}", "b {\n".repeat(10_000), "}\n".repeat(10_000));
    assert!(on_small_stack(move || parse(&src)).is_err());
    // operators nest without brackets: hcl-edit refuses these itself
    let src = format!("a = {}true\n", "!".repeat(10_000));
    assert!(on_small_stack(move || parse(&src)).is_err());
    let src = format!("a = {}1\n", "true ? 1 : ".repeat(10_000));
    assert!(on_small_stack(move || parse(&src)).is_err());
    // brackets in strings, comments and heredocs do not count
    let deep = "[".repeat(1_000);
    let src = format!("a = \"{deep}\"\n# {deep}\nb = <<EOT\n{deep}\nEOT\n");
    assert!(on_small_stack(move || parse(&src)).is_ok());
}

#[test]
fn hostile_input_never_panics() {
    let base = "variable \"x\" {\n  default = { a = [1, \"b\", true] }\n}\nlocals {\n  y = \"${var.x.a[0]}-z\" # c\n  h = <<-EOT\n    a ${local.y} %{ if true }b%{ endif }\n  EOT\n  z = var.x != null ? -1 : !false && (1 + 2) > 4\n}\n/* c */\nresource \"t\" \"n\" {\n  tags = { \"k\" = 1, (local.y) = 2 }\n}\n";
    assert!(parse(base).is_ok());
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = b"{}[]()\"$%<-!#/*\n\r=:.,?~x0\\";
    let mut parsed = 0;
    for _ in 0..2_000 {
        let mut v = base.as_bytes().to_vec();
        for _ in 0..(next() % 5 + 1) {
            let at = (next() as usize) % v.len();
            match next() % 3 {
                0 => {
                    v.remove(at);
                }
                1 => v.insert(at, alphabet[(next() as usize) % alphabet.len()]),
                _ => v[at] = (next() % 256) as u8,
            }
        }
        let text = String::from_utf8_lossy(&v);
        match parse(&text) {
            Ok(f) => {
                parsed += 1;
                let m = Module::new(&[(0, &f)]);
                for b in &f.body.blocks {
                    for a in &b.body.attributes {
                        let _ = m.resolve(0, &a.value);
                    }
                }
            }
            Err(e) => {
                assert!(e.span.end <= text.len(), "{e:?}");
                assert!(text.is_char_boundary(e.span.start), "{e:?}");
                assert!(text.is_char_boundary(e.span.end), "{e:?}");
            }
        }
    }
    assert!(parsed > 0);
}

#[test]
fn tfvars_are_bodies_of_attributes() {
    let t = "region = \"eu-west-1\"\ndb_password = \"hunter2\"\ntags = { env = \"prod\" }\n";
    let f = parse_tfvars(t).unwrap();
    assert_eq!(f.body.attributes.len(), 3);
    let pw = f.body.attr("db_password").unwrap();
    assert_eq!(pw.value.span.text(t), "\"hunter2\"");
    assert!(parse_tfvars("region = \n").is_err());
}

// --- Module ---------------------------------------------------------------------------

#[test]
fn resolves_a_variable_default_from_another_file() {
    let vars = "variable \"enable_tls\" {\n  type    = bool\n  default = false\n}\nvariable \"no_default\" {}\nvariable \"port\" {\n  default = \"5432\"\n}\n";
    let main = "resource \"aws_db_instance\" \"db\" {\n  tls = var.enable_tls\n  other = var.no_default\n  port = var.port\n  missing = var.nope\n  lit = true\n}\n";
    let (fv, fm) = (parse_ok(vars), parse_ok(main));
    let m = Module::new(&[(7, &fv), (9, &fm)]);
    let db = &fm.body.blocks[0];
    let tls = m.resolve(9, &db.attr("tls").unwrap().value);
    assert_eq!(tls.as_bool(), Some(false));
    let (file, span) = tls.origin().unwrap();
    assert_eq!(file, 7);
    assert_eq!(span.text(vars), "false");
    assert_eq!(
        m.resolve(9, &db.attr("other").unwrap().value),
        Resolved::Unknown
    );
    assert_eq!(
        m.resolve(9, &db.attr("port").unwrap().value).as_number(),
        Some(5432.0)
    );
    assert_eq!(
        m.resolve(9, &db.attr("missing").unwrap().value),
        Resolved::Unknown
    );
    let lit = m.resolve(9, &db.attr("lit").unwrap().value);
    assert_eq!(
        lit,
        Resolved::Known {
            value: Value::Bool(true),
            origin: Some((9, db.attr("lit").unwrap().value.span)),
        }
    );
    assert_eq!(m.variable("port").map(|(f, _)| f), Some(7));
    assert_eq!(m.files().count(), 2);
}

#[test]
fn resolves_locals_chains_templates_and_paths() {
    let a = "locals {\n  env    = \"prod\"\n  name   = \"app-${local.env}\"\n  port   = var.cfg.port\n  first  = local.list[0]\n  on     = local.env == \"prod\" ? true : false\n  count  = 2 * 3\n  list   = [\"a\", \"b\"]\n}\n";
    let b = "variable \"cfg\" {\n  default = { port = 443, tls = \"true\" }\n}\nlocals {\n  alias = local.name\n  calls = upper(local.env)\n  res   = aws_s3_bucket.b.id\n  tls   = var.cfg[\"tls\"]\n}\n";
    let (fa, fb) = (parse_ok(a), parse_ok(b));
    let m = Module::new(&[(0, &fa), (1, &fb)]);
    let local = |n: &str| {
        let (_, attr) = m.local(n).unwrap();
        attr
    };
    let alias = m.resolve(1, &local("alias").value);
    assert_eq!(alias.as_str(), Some("app-prod"));
    // assembled by the template in file 0
    let (file, span) = alias.origin().unwrap();
    assert_eq!((file, span.text(a)), (0, "\"app-${local.env}\""));
    let port = m.resolve(0, &local("port").value);
    assert_eq!(port.as_number(), Some(443.0));
    let (file, span) = port.origin().unwrap();
    assert_eq!((file, span.text(b)), (1, "{ port = 443, tls = \"true\" }"));
    assert_eq!(m.resolve(0, &local("first").value).as_str(), Some("a"));
    assert_eq!(m.resolve(0, &local("on").value).as_bool(), Some(true));
    assert_eq!(m.resolve(0, &local("count").value).as_number(), Some(6.0));
    assert_eq!(m.resolve(1, &local("tls").value).as_bool(), Some(true));
    assert_eq!(m.resolve(1, &local("calls").value), Resolved::Unknown);
    assert_eq!(m.resolve(1, &local("res").value), Resolved::Unknown);
    assert_eq!(
        m.resolve(0, &local("list").value).value(),
        Some(&Value::List(vec![
            Value::String("a".into()),
            Value::String("b".into())
        ]))
    );
}

#[test]
fn a_local_cycle_stays_unknown() {
    let t = "locals {\n  a = local.b\n  b = \"${local.c}x\"\n  c = local.a\n  self_ref = local.self_ref\n  ok = local.b == null ? 1 : 2\n}\n";
    let f = parse_ok(t);
    let m = Module::new(&[(0, &f)]);
    for name in ["a", "b", "c", "self_ref", "ok"] {
        let (_, attr) = m.local(name).unwrap();
        assert_eq!(m.resolve(0, &attr.value), Resolved::Unknown, "{name}");
    }
    let unknown_cond = parse_ok("a = var.x ? 1 : 2\n");
    assert_eq!(
        m.resolve(0, &unknown_cond.body.attr("a").unwrap().value),
        Resolved::Unknown
    );
}

#[test]
fn a_long_locals_chain_is_cut_off_not_overflowed() {
    let mut t = String::from("locals {\n  l0 = true\n");
    for i in 1..5_000 {
        t.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    t.push_str("}\n");
    let (short, long) = on_small_stack(move || {
        let f = parse(&t).unwrap();
        let m = Module::new(&[(0, &f)]);
        let short = m.resolve(0, &m.local("l10").unwrap().1.value);
        let long = m.resolve(0, &m.local("l4999").unwrap().1.value);
        (short, long)
    });
    assert_eq!(short.as_bool(), Some(true));
    assert_eq!(long, Resolved::Unknown);
}

#[test]
fn auto_loaded_tfvars_override_defaults_through_locals_too() {
    let vars = "variable \"tls\" {\n  default = false\n}\nvariable \"size\" {\n  default = 1\n}\nvariable \"region\" {\n  default = \"eu\"\n}\nlocals {\n  tls = var.tls\n}\n";
    let main = "resource \"x\" \"y\" {\n  a = local.tls\n  b = var.size\n  c = var.region\n}\n";
    let (fv, fm) = (parse_ok(vars), parse_ok(main));
    let base = parse_tfvars("tls = true\nsize = 2\n").unwrap();
    let auto = parse_tfvars("size = 3\n").unwrap();
    let other = parse_tfvars("region = \"us\"\n").unwrap();
    let m = Module::new(&[(0, &fv), (1, &fm)]).with_tfvars(&[
        (5, "z.auto.tfvars", &auto),
        (4, "terraform.tfvars", &base),
        // not loaded by Terraform on its own: ignored
        (6, "prod.tfvars", &other),
    ]);
    let y = &fm.body.blocks[0];
    let a = m.resolve(1, &y.attr("a").unwrap().value);
    assert_eq!(a.as_bool(), Some(true));
    assert_eq!(a.origin().map(|o| o.0), Some(4));
    let b = m.resolve(1, &y.attr("b").unwrap().value);
    assert_eq!(
        b.as_number(),
        Some(3.0),
        "the auto file is read last and wins"
    );
    assert_eq!(b.origin().map(|o| o.0), Some(5));
    let c = m.resolve(1, &y.attr("c").unwrap().value);
    assert_eq!(c.as_str(), Some("eu"));
}
