//! CloudWatch: alarms on RDS metrics (OPE-001) and the databases' utilisation over a window
//! (RDS-001/002: growth, peaks, rightsizing). CloudWatch speaks rpc-v2-cbor, which the
//! recording layer stores as JSON (`traffic/cbor.rs`).

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudwatch::types::{
    AlarmType, Dimension, Metric, MetricAlarm, MetricDataQuery, MetricStat, ScanBy,
};
use aws_sdk_cloudwatch::Client;
use aws_smithy_types::DateTime;
use futures::{stream, StreamExt};
use rds_evidence_inventory::activity::{DbMetrics, MetricSummary};
use rds_evidence_inventory::services::Alarm;
use rds_evidence_inventory::{Observed, Unavailable};

use crate::convert::owned;
use crate::pages::drain;

const RDS_NAMESPACE: &str = "AWS/RDS";

/// Per instance. Aurora instances report no `FreeStorageSpace`: their cluster's
/// `VolumeBytesUsed` stands for storage.
const INSTANCE_METRICS: &[&str] = &[
    "CPUUtilization",
    "FreeStorageSpace",
    "FreeableMemory",
    "DatabaseConnections",
    "ReadIOPS",
    "WriteIOPS",
    "ReplicaLag",
];
const CLUSTER_METRICS: &[&str] = &["VolumeBytesUsed"];
const STATISTICS: [&str; 4] = ["Minimum", "Maximum", "Average", "p95"];
/// GetMetricData's limit of queries per request.
const QUERIES_PER_REQUEST: usize = 500;
const DAY_SECONDS: i64 = 86_400;

/// Datapoint values by query index, in time order.
type ValuesByQuery = BTreeMap<usize, Vec<f64>>;

/// A database whose metrics to read: `DBInstanceIdentifier` or `DBClusterIdentifier`.
pub(crate) struct MetricsOf {
    pub dimension: &'static str,
    pub id: String,
}

impl MetricsOf {
    pub(crate) fn instance(id: &str) -> Self {
        MetricsOf {
            dimension: "DBInstanceIdentifier",
            id: id.to_owned(),
        }
    }

    pub(crate) fn cluster(id: &str) -> Self {
        MetricsOf {
            dimension: "DBClusterIdentifier",
            id: id.to_owned(),
        }
    }

    fn metric_names(&self) -> &'static [&'static str] {
        match self.dimension {
            "DBClusterIdentifier" => CLUSTER_METRICS,
            _ => INSTANCE_METRICS,
        }
    }
}

/// The whole days before `end_epoch`. Days end at midnight UTC so that a replay of the same
/// collection asks for the same window, and CloudWatch's daily periods line up with it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub start: i64,
    pub end: i64,
}

impl Window {
    pub(crate) fn days_before(end_epoch: i64, days: u32) -> Window {
        let end = end_epoch.div_euclid(DAY_SECONDS) * DAY_SECONDS;
        Window {
            start: end - i64::from(days) * DAY_SECONDS,
            end,
        }
    }
}

/// Daily minimum, maximum, average and p95 of each metric of each database, in as few
/// `GetMetricData` requests as the 500-query limit allows. A failed request makes the whole
/// region's metrics unknown: a partial set would understate peaks.
pub(crate) async fn metrics(
    client: &Client,
    databases: Vec<MetricsOf>,
    window: Window,
    concurrency: usize,
) -> Observed<Vec<DbMetrics>> {
    let queries: Vec<(usize, &'static str, &'static str)> = databases
        .iter()
        .enumerate()
        .flat_map(|(db, of)| {
            of.metric_names()
                .iter()
                .flat_map(move |metric| STATISTICS.iter().map(move |stat| (db, *metric, *stat)))
        })
        .collect();
    let mut batches = queries
        .chunks(QUERIES_PER_REQUEST)
        .enumerate()
        .map(|(chunk, batch)| {
            metric_batch(
                client,
                &databases,
                batch,
                chunk * QUERIES_PER_REQUEST,
                window,
            )
        });
    let mut values = ValuesByQuery::new();
    // The first request alone: when it fails (no permission, an API the endpoint lacks) the
    // region's metrics are unknown and every other request would fail the same way.
    if let Some(first) = batches.next() {
        match first.await {
            Ok(batch) => values.extend(batch),
            Err(why) => return Observed::Unknown(why),
        }
    }
    // The rest are all sent even after one fails: stopping at the first failure would make
    // the requests sent depend on timing, and a replay could ask for one never recorded.
    let rest: Vec<Result<ValuesByQuery, Unavailable>> =
        stream::iter(batches).buffered(concurrency).collect().await;
    for batch in rest {
        match batch {
            Ok(batch) => values.extend(batch),
            Err(why) => return Observed::Unknown(why),
        }
    }
    let index_of: HashMap<_, usize> = queries.iter().enumerate().map(|(i, q)| (*q, i)).collect();
    let summaries = databases
        .iter()
        .enumerate()
        .map(|(db, of)| DbMetrics {
            dimension: of.dimension.to_owned(),
            id: of.id.clone(),
            metrics: of
                .metric_names()
                .iter()
                .filter_map(|metric| {
                    let series = |stat: &str| {
                        index_of
                            .get(&(db, *metric, stat))
                            .and_then(|index| values.get(index))
                            .map(Vec::as_slice)
                            .unwrap_or_default()
                    };
                    let summary = summarise(
                        series("Minimum"),
                        series("Maximum"),
                        series("Average"),
                        series("p95"),
                    )?;
                    Some(((*metric).to_owned(), summary))
                })
                .collect(),
        })
        .collect();
    Observed::Value(summaries)
}

/// One request's queries, numbered from `first` so that ids are unique across requests, and
/// every page of the answer: a page may carry part of a query's datapoints.
async fn metric_batch(
    client: &Client,
    databases: &[MetricsOf],
    batch: &[(usize, &'static str, &'static str)],
    first: usize,
    window: Window,
) -> Result<ValuesByQuery, Unavailable> {
    let mut request = client
        .get_metric_data()
        .start_time(DateTime::from_secs(window.start))
        .end_time(DateTime::from_secs(window.end))
        .scan_by(ScanBy::TimestampAscending);
    for (offset, (db, metric, stat)) in batch.iter().enumerate() {
        let of = &databases[*db];
        let metric = Metric::builder()
            .namespace(RDS_NAMESPACE)
            .metric_name(*metric)
            .dimensions(
                Dimension::builder()
                    .name(of.dimension)
                    .value(&of.id)
                    .build(),
            )
            .build();
        request = request.metric_data_queries(
            MetricDataQuery::builder()
                .id(format!("q{}", first + offset))
                .metric_stat(
                    MetricStat::builder()
                        .metric(metric)
                        .period(DAY_SECONDS as i32)
                        .stat(*stat)
                        .build(),
                )
                .return_data(true)
                .build(),
        );
    }
    let pages = drain(request.into_paginator().send(), "cloudwatch:GetMetricData").await?;
    let mut values = ValuesByQuery::new();
    for result in pages.iter().flat_map(|page| page.metric_data_results()) {
        let index = result
            .id()
            .and_then(|id| id.strip_prefix('q'))
            .and_then(|n| n.parse().ok());
        if let Some(index) = index {
            values
                .entry(index)
                .or_default()
                .extend_from_slice(result.values());
        }
    }
    Ok(values)
}

/// The window's summary of one metric from its daily statistics, in day order; `None` when
/// the metric had no datapoints.
fn summarise(min: &[f64], max: &[f64], average: &[f64], p95: &[f64]) -> Option<MetricSummary> {
    if average.is_empty() {
        return None;
    }
    let highest = |values: &[f64]| values.iter().copied().fold(f64::NAN, f64::max);
    Some(MetricSummary {
        min: min.iter().copied().fold(f64::NAN, f64::min),
        max: highest(max),
        average: average.iter().sum::<f64>() / average.len() as f64,
        p95: highest(p95),
        slope_per_day: slope(average),
        days: average.len() as u32,
    })
}

/// Least-squares slope of evenly spaced daily values, per day; needs two days.
fn slope(values: &[f64]) -> Option<f64> {
    let n = values.len() as f64;
    if values.len() < 2 {
        return None;
    }
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = values.iter().sum::<f64>() / n;
    let (covariance, variance) = values
        .iter()
        .enumerate()
        .fold((0.0, 0.0), |(c, v), (x, y)| {
            let dx = x as f64 - mean_x;
            (c + dx * (y - mean_y), v + dx * dx)
        });
    Some(covariance / variance)
}

/// Metric alarms whose metric, or one metric of whose math expression, is an RDS metric.
pub(crate) async fn alarms(client: &Client) -> Observed<Vec<Alarm>> {
    let pages = drain(
        client
            .describe_alarms()
            .alarm_types(AlarmType::MetricAlarm)
            .max_records(100)
            .into_paginator()
            .send(),
        "cloudwatch:DescribeAlarms",
    )
    .await;
    pages
        .map(|pages| {
            pages
                .iter()
                .flat_map(|page| page.metric_alarms())
                .filter_map(rds_alarm)
                .collect()
        })
        .into()
}

fn rds_alarm(alarm: &MetricAlarm) -> Option<Alarm> {
    // A math alarm names its metrics in `metrics`; a plain alarm directly.
    let (namespace, metric, dimensions, statistic) = if alarm.namespace().is_some() {
        (
            alarm.namespace(),
            alarm.metric_name(),
            alarm.dimensions(),
            alarm
                .statistic()
                .map(|s| s.as_str().to_owned())
                .or_else(|| owned(alarm.extended_statistic())),
        )
    } else {
        let stat = alarm
            .metrics()
            .iter()
            .filter_map(|query| query.metric_stat())
            .find(|stat| stat.metric().and_then(|m| m.namespace()) == Some(RDS_NAMESPACE))?;
        let metric = stat.metric()?;
        (
            metric.namespace(),
            metric.metric_name(),
            metric.dimensions(),
            owned(stat.stat()),
        )
    };
    if namespace != Some(RDS_NAMESPACE) {
        return None;
    }
    Some(Alarm {
        name: alarm.alarm_name().unwrap_or_default().to_owned(),
        arn: owned(alarm.alarm_arn()),
        metric: owned(metric),
        namespace: owned(namespace),
        dimensions: dimensions
            .iter()
            .filter_map(|d| Some((d.name()?.to_owned(), d.value()?.to_owned())))
            .collect::<BTreeMap<_, _>>(),
        statistic,
        comparison: alarm.comparison_operator().map(|c| c.as_str().to_owned()),
        threshold: alarm.threshold(),
        period_s: alarm.period(),
        evaluation_periods: alarm.evaluation_periods(),
        actions_enabled: alarm.actions_enabled().unwrap_or(false),
        alarm_actions: alarm.alarm_actions().to_vec(),
        state: alarm.state_value().map(|s| s.as_str().to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatch::types::{ComparisonOperator, StateValue, Statistic};

    #[test]
    fn summary_of_daily_statistics() {
        let summary = summarise(
            &[10.0, 8.0, 6.0],
            &[50.0, 70.0, 60.0],
            &[20.0, 30.0, 40.0],
            &[45.0, 65.0, 55.0],
        )
        .unwrap();
        assert_eq!(summary.min, 6.0);
        assert_eq!(summary.max, 70.0);
        assert_eq!(summary.average, 30.0);
        assert_eq!(summary.p95, 65.0);
        assert_eq!(summary.slope_per_day, Some(10.0));
        assert_eq!(summary.days, 3);
        assert_eq!(summarise(&[], &[], &[], &[]), None);
    }

    #[test]
    fn one_day_has_no_slope() {
        assert_eq!(slope(&[5.0]), None);
        assert_eq!(slope(&[5.0, 5.0, 5.0]), Some(0.0));
        assert_eq!(slope(&[9.0, 6.0, 3.0]), Some(-3.0));
    }

    #[test]
    fn windows_are_whole_utc_days() {
        // 2026-11-27T10:50:00Z
        let window = Window::days_before(1_795_776_600, 14);
        assert_eq!(window.end % DAY_SECONDS, 0);
        assert_eq!(window.end, 1_795_737_600);
        assert_eq!(window.end - window.start, 14 * DAY_SECONDS);
    }

    fn dimension(name: &str, value: &str) -> Dimension {
        Dimension::builder().name(name).value(value).build()
    }

    #[test]
    fn plain_rds_alarm() {
        let alarm = MetricAlarm::builder()
            .alarm_name("orders-pg-cpu")
            .namespace("AWS/RDS")
            .metric_name("CPUUtilization")
            .dimensions(dimension("DBInstanceIdentifier", "orders-pg"))
            .statistic(Statistic::Average)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .threshold(80.0)
            .period(300)
            .evaluation_periods(3)
            .actions_enabled(true)
            .alarm_actions("arn:aws:sns:us-east-1:1:ops")
            .state_value(StateValue::Ok)
            .build();
        let alarm = rds_alarm(&alarm).unwrap();
        assert_eq!(alarm.metric.as_deref(), Some("CPUUtilization"));
        assert_eq!(alarm.dimensions["DBInstanceIdentifier"], "orders-pg");
        assert_eq!(alarm.statistic.as_deref(), Some("Average"));
        assert_eq!(alarm.comparison.as_deref(), Some("GreaterThanThreshold"));
        assert_eq!(alarm.threshold, Some(80.0));
        assert!(alarm.actions_enabled);
        assert_eq!(alarm.state.as_deref(), Some("OK"));
    }

    #[test]
    fn math_alarm_over_an_rds_metric() {
        let stat = MetricStat::builder()
            .metric(
                Metric::builder()
                    .namespace("AWS/RDS")
                    .metric_name("FreeStorageSpace")
                    .dimensions(dimension("DBInstanceIdentifier", "orders-pg"))
                    .build(),
            )
            .stat("Minimum")
            .period(300)
            .build();
        let alarm = MetricAlarm::builder()
            .alarm_name("storage-low")
            .metrics(
                MetricDataQuery::builder()
                    .id("m1")
                    .metric_stat(stat)
                    .build(),
            )
            .build();
        let alarm = rds_alarm(&alarm).unwrap();
        assert_eq!(alarm.metric.as_deref(), Some("FreeStorageSpace"));
        assert_eq!(alarm.statistic.as_deref(), Some("Minimum"));
    }

    #[test]
    fn other_namespaces_are_left_out() {
        let alarm = MetricAlarm::builder()
            .alarm_name("ec2-cpu")
            .namespace("AWS/EC2")
            .metric_name("CPUUtilization")
            .build();
        assert!(rds_alarm(&alarm).is_none());
    }
}
