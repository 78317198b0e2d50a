//! Tests of the crate as a whole: how its modules depend on each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of the core and the top-level modules its non-test code names
/// (`crate::x`), read from the sources. Comments and `#[cfg(test)]` tails are left out.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if rel != "bin" {
                    stack.push(path);
                }
                continue;
            }
            let is_test = rel.ends_with("tests.rs") || rel.contains("/tests/");
            if !rel.ends_with(".rs") || is_test || rel == "lib.rs" {
                continue;
            }
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap()
                .split("#[cfg(test)]\n#[path")
                .next()
                .unwrap();
            let names = graph.entry(top.clone()).or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (at, _) in line.match_indices("crate::") {
                    let name: String = line[at + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != top {
                        names.insert(name);
                    }
                }
            }
        }
    }
    graph
}

/// A cycle through `from`, if there is one (depth-first, the path as found).
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    fn visit(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        goal: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(node).into_iter().flatten() {
            if next == goal {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if visit(graph, next, goal, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![from.to_owned()];
    visit(graph, from, from, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_module_of_the_core_depends_on_itself_through_others() {
    let graph = module_graph();
    assert!(graph.len() > 15, "the sources were read: {graph:?}");
    for module in graph.keys() {
        assert_eq!(
            cycle_through(&graph, module),
            None,
            "a cycle among the core's modules"
        );
    }
}

#[test]
fn the_lowest_layers_know_no_domain_module() {
    let graph = module_graph();
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("store", &["error"][..]),
        ("error", &[][..]),
        ("tasks", &[][..]),
        ("secret", &[][..]),
        ("calendar", &[][..]),
        ("file", &[][..]),
    ]);
    for (module, may) in allowed {
        let names: Vec<&String> = graph[module]
            .iter()
            .filter(|n| !may.contains(&n.as_str()))
            .collect();
        assert!(names.is_empty(), "{module} must not use {names:?}");
    }
    assert!(
        !graph
            .iter()
            .any(|(m, names)| m != "api" && names.contains("api")),
        "only the adapters call the use-case layer: {graph:?}"
    );
}

#[test]
fn a_cycle_is_found_when_there_is_one() {
    // The check itself can fail.
    let graph = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    assert_eq!(
        cycle_through(&graph, "a"),
        Some(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()])
    );
}
