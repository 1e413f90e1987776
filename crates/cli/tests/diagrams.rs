//! The bundles' diagrams.net files, read back as XML, offline: every database cell sits in
//! the subnet cell of the subnet it runs in, inside its zone, VPC, region and the AWS Cloud,
//! drawn with diagrams.net's AWS shapes, for every fixture account.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{fixture, rds_evidence, stderr};
use rds_evidence_inventory::Snapshot;

struct Cell {
    parent: Option<String>,
    style: String,
}

fn cells(drawio: &Path) -> BTreeMap<String, Cell> {
    let xml = std::fs::read_to_string(drawio).unwrap();
    let document = roxmltree::Document::parse(&xml)
        .unwrap_or_else(|e| panic!("{}: not XML: {e}", drawio.display()));
    document
        .descendants()
        .filter(|n| n.has_tag_name("mxCell"))
        .map(|n| {
            let id = n.attribute("id").expect("cell id").to_owned();
            let cell = Cell {
                parent: n.attribute("parent").map(str::to_owned),
                style: n.attribute("style").unwrap_or_default().to_owned(),
            };
            (id, cell)
        })
        .collect()
}

/// The subnet each instance runs in, where the snapshot says so without doubt: its DB subnet
/// group has exactly one subnet in the instance's zone.
fn subnets_of_instances(snapshot: &Snapshot) -> Vec<(String, String, String)> {
    let mut expected = Vec::new();
    for region in &snapshot.regions {
        let groups = region
            .db_subnet_groups
            .value()
            .map_or(&[][..], Vec::as_slice);
        for instance in region.db_instances.value().into_iter().flatten() {
            let (Some(zone), Some(group)) = (&instance.availability_zone, &instance.subnet_group)
            else {
                continue;
            };
            let Some(group) = groups.iter().find(|g| &g.name == group) else {
                continue;
            };
            let in_zone: Vec<&str> = group
                .subnets
                .iter()
                .filter(|s| s.availability_zone.as_ref() == Some(zone))
                .map(|s| s.subnet_id.as_str())
                .collect();
            if let [subnet] = in_zone.as_slice() {
                expected.push((
                    region.region.clone(),
                    instance.identifier.clone(),
                    (*subnet).to_owned(),
                ));
            }
        }
    }
    expected
}

fn check_fixture(name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle");
    let output = rds_evidence(dir.path())
        .args([
            "collect",
            "--replay-missing",
            "record-as-unavailable",
            "--replay",
        ])
        .arg(fixture(name))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{name}: {}",
        stderr(&output)
    );
    let snapshot: Snapshot =
        serde_json::from_slice(&std::fs::read(out.join("snapshot.json")).unwrap()).unwrap();
    let mut all: BTreeMap<String, Cell> = BTreeMap::new();
    for entry in std::fs::read_dir(out.join("diagrams")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "drawio") {
            all.extend(cells(&path));
        }
    }
    let expected = subnets_of_instances(&snapshot);
    assert!(!expected.is_empty(), "{name}: nothing to check");
    for (region, instance, subnet) in &expected {
        let id = format!("db:{region}:{instance}");
        let cell = all
            .get(&id)
            .unwrap_or_else(|| panic!("{name}: no cell {id}"));
        assert!(
            cell.style.contains("shape=mxgraph.aws4."),
            "{name}: {id} is not an AWS shape"
        );
        let subnet_cell = format!("subnet:{region}:{subnet}");
        assert_eq!(
            cell.parent.as_deref(),
            Some(subnet_cell.as_str()),
            "{name}: {id}"
        );
        // Subnet › zone › VPC › region › AWS Cloud, each a container with its AWS group shape.
        let mut chain = Vec::new();
        let mut at = subnet_cell;
        // Cell "1" is the default layer every top-level cell belongs to.
        while at != "1" {
            let cell = all
                .get(&at)
                .unwrap_or_else(|| panic!("{name}: no cell {at}"));
            assert!(
                cell.style.contains("container=1"),
                "{name}: {at} is not a container"
            );
            let parent = cell.parent.clone().expect("a parent");
            chain.push(at);
            at = parent;
        }
        let kinds: Vec<&str> = chain
            .iter()
            .map(|id| id.split(':').next().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["subnet", "az", "vpc", "region", "cloud"],
            "{name}: {id}"
        );
        assert!(all[&chain[2]]
            .style
            .contains("grIcon=mxgraph.aws4.group_vpc2;"));
        assert!(all[&chain[3]]
            .style
            .contains("grIcon=mxgraph.aws4.group_region;"));
    }
}

#[test]
fn demo_databases_sit_in_their_subnets() {
    check_fixture("demo");
}

#[test]
fn real_shapes_databases_sit_in_their_subnets() {
    check_fixture("real-shapes");
}

#[test]
fn emulator_demo_databases_sit_in_their_subnets() {
    check_fixture("emulator-demo");
}
