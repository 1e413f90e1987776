//! CloudWatch: alarms on RDS metrics (OPE-001). CloudWatch speaks rpc-v2-cbor, which the
//! recording layer stores as JSON (`traffic/cbor.rs`).

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::types::{AlarmType, MetricAlarm};
use aws_sdk_cloudwatch::Client;
use rds_evidence_inventory::services::Alarm;
use rds_evidence_inventory::Observed;

use crate::convert::owned;
use crate::pages::drain;

const RDS_NAMESPACE: &str = "AWS/RDS";

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
    use aws_sdk_cloudwatch::types::{
        ComparisonOperator, Dimension, Metric, MetricDataQuery, MetricStat, StateValue, Statistic,
    };

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
