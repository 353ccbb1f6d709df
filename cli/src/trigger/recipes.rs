//! How each of the 18 event types is produced in the sandbox (its README's
//! scenario triggers): what to create, and whose event to wait for.

use super::Run;
use crate::exit::Failure;
use serde_json::{json, Value};

/// One event type and what its trigger creates.
pub struct Recipe {
    /// The event type.
    pub event_type: &'static str,
    /// What the trigger creates, for `--list`.
    pub creates: &'static str,
}

/// Every event type, in the core's order.
pub const RECIPES: &[Recipe] = &[
    Recipe {
        event_type: "order.in_progress",
        creates: "an order",
    },
    Recipe {
        event_type: "order.completed",
        creates: "an order, completed",
    },
    Recipe {
        event_type: "order.failed",
        creates: "an order with an `orderfail` domain",
    },
    Recipe {
        event_type: "order.action_required",
        creates: "an order with a `dnsaction` domain",
    },
    Recipe {
        event_type: "order.cancel_scheduled",
        creates: "a completed order, cancelled",
    },
    Recipe {
        event_type: "order.cancelled",
        creates: "a completed order, cancelled, and the sandbox clock moved on 32 days",
    },
    Recipe {
        event_type: "domain.connected",
        creates: "an order, whose domains connect",
    },
    Recipe {
        event_type: "domain.action_required",
        creates: "an order with a `dnsaction` domain",
    },
    Recipe {
        event_type: "domain.forwarding_updated",
        creates: "a completed order and a forwarding job for its domains",
    },
    Recipe {
        event_type: "domain.forwarding_failed",
        creates: "a completed order and a forwarding job to an `unreachable` URL",
    },
    Recipe {
        event_type: "domain_import.completed",
        creates: "an import of a new name",
    },
    Recipe {
        event_type: "domain_import.failed",
        creates: "an import of a name, then a second import of it",
    },
    Recipe {
        event_type: "domain_import.action_required",
        creates: "an import of an `nsdelay` name",
    },
    Recipe {
        event_type: "swap.created",
        creates: "a completed order and a swap of its Google domain",
    },
    Recipe {
        event_type: "swap.in_progress",
        creates: "a completed order and a swap of its Google domain",
    },
    Recipe {
        event_type: "swap.completed",
        creates: "a completed order and a swap of its Google domain",
    },
    Recipe {
        event_type: "swap.failed",
        creates: "a completed order and a swap to a `swapfail` replacement",
    },
    Recipe {
        event_type: "swap.action_required",
        creates: "a completed order and a swap to a `taken` replacement",
    },
];

/// Creates what `event_type` needs; the id its event is about.
pub async fn make(event_type: &str, run: &Run) -> Result<String, Failure> {
    match event_type {
        "order.in_progress" | "order.completed" | "domain.connected" => {
            order(run, &[&run.domain("cli-"), &run.domain("cli-ms-")]).await
        }
        "order.failed" => order(run, &[&run.domain("orderfail-"), &run.domain("cli-ms-")]).await,
        "order.action_required" | "domain.action_required" => {
            order(run, &[&run.domain("dnsaction-"), &run.domain("cli-ms-")]).await
        }
        "order.cancel_scheduled" | "order.cancelled" => {
            let id = completed_order(run).await?;
            let receipt = run
                .api("POST", &format!("/orders/{id}/cancel"), None)
                .await?;
            run.say(&format!(
                "cancelled order {id} (cancels at {})",
                receipt["cancels_at"]
            ));
            if event_type == "order.cancelled" {
                run.control(
                    "/_sandbox/clock",
                    &json!({ "advance_seconds": 32 * 86_400 }),
                )
                .await?;
                run.say("moved the sandbox clock on 32 days (POST /_sandbox/clock)");
            }
            Ok(id)
        }
        "domain.forwarding_updated" | "domain.forwarding_failed" => {
            completed_order(run).await?;
            let url = if event_type == "domain.forwarding_failed" {
                "https://unreachable.example.com/in"
            } else {
                "https://example.com/"
            };
            let domains = [run.domain("gonly-cli-"), run.domain("cli-ms-")];
            let job = run
                .api(
                    "POST",
                    "/domains/forwarding",
                    Some(&json!({ "domains": domains, "forwarding_url": url })),
                )
                .await?;
            let id = id_of(&job)?;
            run.say(&format!(
                "created forwarding job {id} ({} → {url})",
                domains.join(", ")
            ));
            Ok(id)
        }
        "domain_import.completed" => import(run, &run.domain("cli-import-")).await,
        "domain_import.action_required" => import(run, &run.domain("nsdelay-")).await,
        "domain_import.failed" => {
            let name = run.domain("cli-import-");
            import(run, &name).await?;
            import(run, &name).await
        }
        "swap.created" | "swap.in_progress" | "swap.completed" => {
            swap(
                run,
                &run.domain("gonly-cli-"),
                &run.domain("gonly-cli-new-"),
            )
            .await
        }
        "swap.failed" => swap(run, &run.domain("cli-ms-"), &run.domain("swapfail-")).await,
        "swap.action_required" => swap(run, &run.domain("cli-ms-"), &run.domain("taken-")).await,
        other => Err(Failure::usage(format!("no recipe for {other}"))),
    }
}

/// A custom order: one Google domain (2 inboxes) and one Microsoft domain.
async fn order(run: &Run, domains: &[&str]) -> Result<String, Failure> {
    let body = json!({
        "user": "cli@example.com",
        "google_licenses": 2,
        "microsoft_licenses": 1,
        "google_inboxes_per_domain": 2,
        "sequencer": {
            "provider": "smartlead",
            "client_id": 1,
            "login_email": "ops@example.com",
            "login_password": "sandbox-password"
        },
        "domains": domains,
        "personas": [{ "first_name": "Sam", "last_name": "Lee", "profile_picture_url": null }],
    });
    let receipt = run.api("POST", "/orders", Some(&body)).await?;
    let id = id_of(&receipt)?;
    run.say(&format!(
        "created order {id} (domains {})",
        domains.join(", ")
    ));
    Ok(id)
}

/// An order with a Google-only domain and a Microsoft one, completed.
async fn completed_order(run: &Run) -> Result<String, Failure> {
    let id = order(run, &[&run.domain("gonly-cli-"), &run.domain("cli-ms-")]).await?;
    run.wait_event("order.completed", &id).await?;
    run.say(&format!("order {id} completed"));
    Ok(id)
}

async fn import(run: &Run, name: &str) -> Result<String, Failure> {
    let imp = run
        .api(
            "POST",
            "/domains/import",
            Some(&json!({ "domains": [name] })),
        )
        .await?;
    let id = id_of(&imp)?;
    run.say(&format!("created import {id} ({name})"));
    Ok(id)
}

/// A completed order, then a standard swap of its domain `old` for `replacement`.
async fn swap(run: &Run, old: &str, replacement: &str) -> Result<String, Failure> {
    let order_id = completed_order(run).await?;
    let connected = run
        .wait_row(&format!("domain {old}"), |r| {
            let data = &r["event"]["data"];
            r["type"] == "domain.connected"
                && data["domain"] == old
                && data["order_id"] == order_id.as_str()
        })
        .await?;
    let domain_id = connected["event"]["data"]["id"].clone();
    let body =
        json!({ "type": "standard", "domain_id": domain_id, "replacement_domain": replacement });
    let s = run.api("POST", "/swaps", Some(&body)).await?;
    let id = id_of(&s)?;
    run.say(&format!("created swap {id} ({old} → {replacement})"));
    Ok(id)
}

fn id_of(data: &Value) -> Result<String, Failure> {
    data["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Failure::failed(format!("the sandbox answered without an id: {data}")))
}
