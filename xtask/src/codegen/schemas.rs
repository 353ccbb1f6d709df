//! The schemas of every type a generated file names, from the model types.

use peeker_partner::model::EVENTS;
use peeker_partner::request::Endpoint;
use schemars::generate::SchemaSettings;
use schemars::SchemaGenerator;
use serde_json::{Map, Value};

/// The schemas of every type any surface names.
pub struct Api {
    pub gen: SchemaGenerator,
}

impl Api {
    pub fn new() -> Self {
        // Responses and canonical bodies are what is serialised, so the
        // serialise contract: an `Option` that is always sent is required and
        // nullable, one skipped when unset is optional.
        let gen = SchemaSettings::draft2020_12()
            .with(|s| {
                s.definitions_path = "/components/schemas".into();
                s.meta_schema = None;
            })
            .for_serialize()
            .into_generator();
        let mut api = Api { gen };
        api.collect();
        api
    }

    /// Registers every root type, so `definitions()` holds them all.
    fn collect(&mut self) {
        let g = &mut self.gen;
        for &e in Endpoint::ALL {
            if let Some(f) = e.body_schema() {
                f(g);
            }
            if let Some(f) = e.query_schema() {
                f(g);
            }
            (e.response_schema())(g);
        }
        for kind in EVENTS {
            (kind.data)(g);
        }
        // Types of the SDK's own functions (validation, split, plan, sizing).
        g.subschema_for::<peeker_partner::Problem>();
        g.subschema_for::<peeker_partner::split::Split>();
        g.subschema_for::<peeker_partner::split::SplitOutcome>();
        g.subschema_for::<peeker_partner::split::SplitMeter>();
        g.subschema_for::<peeker_partner::plan::PlanOutcome>();
        g.subschema_for::<peeker_partner::sizing::BundleSizing>();
        g.subschema_for::<peeker_partner::model::ErrorEnvelope>();
        g.subschema_for::<peeker_partner::model::Links>();
        g.subschema_for::<peeker_partner::model::Meta>();
        g.subschema_for::<peeker_partner::webhook::VerifyWebhookOptions>();
    }

    pub fn definitions(&self) -> Map<String, Value> {
        self.gen.definitions().clone()
    }
}
