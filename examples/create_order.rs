//! Creates an order with the native client, then lists it.
//!
//! Against a local sandbox (`cargo run -p peeker-sandbox`, which prints its
//! URL):
//!
//! ```sh
//! PEEKER_BASE_URL=http://127.0.0.1:4010/partner/v1 PEEKER_API_KEY=pk_test_example \
//!   cargo run --example create_order --features native
//! ```
//!
//! A failed call prints its class, code, field and request id; no error
//! shows the key or the Smartlead password.

use peeker_partner::client::{ClientOptions, PeekerClient};
use peeker_partner::model::{CreateOrder, OrderDomain, OrderSequencer, Persona, SequencerProvider};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::var("PEEKER_BASE_URL").ok();
    let api_key = std::env::var("PEEKER_API_KEY").unwrap_or_else(|_| "pk_test_example".into());
    let client = PeekerClient::new(ClientOptions {
        base_url,
        ..ClientOptions::new(api_key)
    })?;

    let order = CreateOrder {
        user: "buyer@example.com".into(),
        bundle_id: None,
        google_licenses: Some(2),
        microsoft_licenses: Some(0),
        google_inboxes_per_domain: None,
        sequencer: OrderSequencer {
            provider: SequencerProvider::Smartlead,
            client_id: None,
            login_email: "ops@example.com".into(),
            login_password: "Sm4rtl3ad-s3cret!".into(),
        },
        domains: vec![OrderDomain::Name("example-shop.com".into())],
        personas: vec![Persona {
            first_name: "Alex".into(),
            last_name: "Rivera".into(),
            profile_picture_url: None,
        }],
        forwarding_url: Some("https://example.com".into()),
    };
    // Validated before sending; the body's bytes are canonical, so a retry
    // after a lost answer is recognised by the server and never charged twice.
    match client.orders().create(&order).await {
        Ok(receipt) => {
            let o = &receipt.data;
            println!(
                "order {} ({:?}), {} cents",
                o.id, o.status, o.costs.total_cents
            );
        }
        Err(e) => {
            eprintln!("{e}");
            eprintln!(
                "class {}, code {}, field {:?}, request {:?}",
                e.class_name(),
                e.code,
                e.field,
                e.request_id
            );
            return Err(e.into());
        }
    }
    let mut pages = client.orders().list(None);
    while let Some(page) = pages.next_page().await {
        for o in page?.data {
            println!("{} {:?}", o.id, o.status);
        }
    }
    Ok(())
}
