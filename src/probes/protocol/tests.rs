//! Round trips of every message, and refusals of malformed or oversized ones.

use serde_json::json;

use super::*;
use crate::probes::input::{PingParams, TracerouteParams};

fn key() -> ResultKey {
    ResultKey {
        assignment_id: "asg-1".into(),
        run: 2,
        target: Target::parse("192.0.2.1").unwrap(),
    }
}

fn assignment() -> Assignment {
    Assignment {
        assignment_id: "asg-1".into(),
        measurement_id: "msm-1".into(),
        params: MeasurementParams::Ping(PingParams::default()),
        targets: vec![Target::parse("example.com").unwrap()],
        schedule: Schedule::Once,
        first_run: 0,
        measured: Vec::new(),
    }
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2030-01-01T00:00:00.123456Z")
        .unwrap()
        .to_utc()
}

#[test]
fn every_probe_message_survives_a_round_trip() {
    let ping = PingResult::from_rtts(
        crate::probes::input::PingProtocol::Icmp,
        "192.0.2.1".parse().unwrap(),
        None,
        &[Some(0.5), None],
    );
    let messages = [
        ProbeMessage::Hello {
            protocol: PROTOCOL_VERSION,
            version: "0.1.0".into(),
            capacity: 4,
            probe_time: now(),
            spooled: 3,
        },
        ProbeMessage::TimeRequest { probe_sent: now() },
        ProbeMessage::ClockOffset {
            offset_micros: -1500,
            delay_micros: 300,
        },
        ProbeMessage::Accepted {
            assignment_id: "asg-1".into(),
        },
        ProbeMessage::Refused {
            assignment_id: "asg-1".into(),
            reason: "full".into(),
        },
        ProbeMessage::Result(Box::new(ResultMessage {
            key: key(),
            measurement_id: "msm-1".into(),
            probe_time: now(),
            offset_micros: 12,
            result: Some(MeasurementResult::Ping(ping)),
            error: None,
        })),
        ProbeMessage::Status {
            running: 1,
            queued: 0,
            spooled: 2,
        },
    ];
    for message in messages {
        let text = message.encode();
        assert_eq!(ProbeMessage::decode(&text).unwrap(), message, "{text}");
    }
}

#[test]
fn every_server_message_survives_a_round_trip() {
    let messages = [
        ServerMessage::Welcome {
            protocol: PROTOCOL_VERSION,
            probe_id: "probe:abc".into(),
            server_time: now(),
        },
        ServerMessage::TimeReply {
            probe_sent: now(),
            server_received: now(),
            server_sent: now(),
        },
        ServerMessage::Assign(Box::new(assignment())),
        ServerMessage::Cancel {
            assignment_id: "asg-1".into(),
        },
        ServerMessage::Ack { keys: vec![key()] },
        ServerMessage::Reject {
            key: key(),
            reason: "not yours".into(),
        },
        ServerMessage::Error {
            message: "bad".into(),
        },
    ];
    for message in messages {
        let text = message.encode();
        assert_eq!(ServerMessage::decode(&text).unwrap(), message, "{text}");
    }
}

#[test]
fn the_wire_format_is_tagged_camel_case_json() {
    let text = ServerMessage::Assign(Box::new(assignment())).encode();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["type"], "assign");
    assert_eq!(value["assignmentId"], "asg-1");
    assert_eq!(value["params"]["kind"], "PING");
    assert_eq!(value["params"]["intervalMs"], 1000);
    assert_eq!(value["schedule"], json!({ "type": "ONCE" }));
    let ack = ServerMessage::Ack { keys: vec![key()] }.encode();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&ack).unwrap(),
        json!({ "type": "ack", "keys": [{ "assignmentId": "asg-1", "run": 2, "target": "192.0.2.1" }] })
    );
}

#[test]
fn unknown_types_missing_fields_and_bad_json_are_malformed() {
    for text in [
        r#"{"type":"reboot"}"#,
        r#"{"type":"hello","protocol":1}"#,
        r#"{"type":"accepted","assignmentId":7}"#,
        r#"not json"#,
        r#"{"type":"result","key":{"assignmentId":"a","run":0,"target":"no such host!"}}"#,
    ] {
        assert!(
            matches!(ProbeMessage::decode(text), Err(ProtocolError::Malformed(_))),
            "{text}"
        );
    }
}

#[test]
fn unknown_fields_are_ignored_so_later_versions_can_add_some() {
    let text = r#"{"type":"cancel","assignmentId":"asg-1","reason":"later versions"}"#;
    assert!(ServerMessage::decode(text).is_ok());
}

#[test]
fn an_oversized_message_is_refused_before_it_is_parsed() {
    let text = format!(
        r#"{{"type":"error","message":"{}"}}"#,
        "x".repeat(MAX_MESSAGE_BYTES)
    );
    assert!(matches!(
        ServerMessage::decode(&text),
        Err(ProtocolError::TooLarge { .. })
    ));
}

#[test]
fn an_assignment_out_of_bounds_is_invalid() {
    let mut too_many = assignment();
    too_many.targets = (0..=100)
        .map(|i| Target::parse(&format!("192.0.2.{}", i % 250)).unwrap())
        .collect();
    let mut bad_params = assignment();
    bad_params.params = MeasurementParams::Traceroute(TracerouteParams {
        max_hops: 300,
        ..TracerouteParams::default()
    });
    let mut bad_schedule = assignment();
    bad_schedule.schedule = Schedule::Every {
        interval_seconds: 10,
        start: now(),
        stop: now() + chrono::Duration::hours(1),
    };
    let mut bad_id = assignment();
    bad_id.assignment_id = "has space".into();
    for bad in [too_many, bad_params, bad_schedule, bad_id] {
        let text = ServerMessage::Assign(Box::new(bad)).encode();
        assert!(
            matches!(ServerMessage::decode(&text), Err(ProtocolError::Invalid(_))),
            "{text}"
        );
    }
}

#[test]
fn a_result_has_either_a_result_or_an_error() {
    let both_missing = ProbeMessage::Result(Box::new(ResultMessage {
        key: key(),
        measurement_id: "msm-1".into(),
        probe_time: now(),
        offset_micros: 0,
        result: None,
        error: None,
    }));
    assert!(matches!(
        ProbeMessage::decode(&both_missing.encode()),
        Err(ProtocolError::Invalid(_))
    ));
}

#[test]
fn a_result_with_more_packets_than_allowed_is_invalid() {
    let rtts = vec![Some(1.0); 17];
    let ping = PingResult::from_rtts(
        crate::probes::input::PingProtocol::Icmp,
        "192.0.2.1".parse().unwrap(),
        None,
        &rtts,
    );
    let message = ProbeMessage::Result(Box::new(ResultMessage {
        key: key(),
        measurement_id: "msm-1".into(),
        probe_time: now(),
        offset_micros: 0,
        result: Some(MeasurementResult::Ping(ping)),
        error: None,
    }));
    assert!(matches!(
        ProbeMessage::decode(&message.encode()),
        Err(ProtocolError::Invalid(_))
    ));
}

#[test]
fn an_ack_names_at_most_a_thousand_keys_and_a_hello_a_sane_capacity() {
    let keys = vec![key(); MAX_ACK_KEYS + 1];
    let text = ServerMessage::Ack { keys }.encode();
    assert!(matches!(
        ServerMessage::decode(&text),
        Err(ProtocolError::Invalid(_))
    ));
    let hello = ProbeMessage::Hello {
        protocol: PROTOCOL_VERSION,
        version: "0.1.0".into(),
        capacity: 0,
        probe_time: now(),
        spooled: 0,
    };
    assert!(matches!(
        ProbeMessage::decode(&hello.encode()),
        Err(ProtocolError::Invalid(_))
    ));
}

#[test]
fn result_keys_read_as_assignment_run_and_target() {
    assert_eq!(key().to_string(), "asg-1/2/192.0.2.1");
}
