//! Enums that keep values they do not know (docs/contract.md#wire-format): a new status from the
//! API becomes `Other("new_status")`, never a decode failure, and serialises back
//! unchanged. Their schema lists the known values and is marked open.

/// Declares a string enum with an `Other(String)` catch-all.
///
/// ```
/// peeker_partner::open_enum! {
///     /// Where a domain can host inboxes.
///     pub enum Provider { Google = "google", Microsoft = "microsoft" }
/// }
/// let p: Provider = serde_json::from_str("\"yahoo\"").unwrap();
/// assert_eq!(p, Provider::Other("yahoo".into()));
/// assert_eq!(serde_json::to_string(&p).unwrap(), "\"yahoo\"");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[doc = $doc:literal])*
        $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the SDK does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// Every known value, in declaration order.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(s) => s.as_str(),
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                Ok(match s {
                    $($wire => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                })
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Ok(s.parse().unwrap_or_else(|never| match never {}))
            }
        }

        // `x-open-enum`: the generated TypeScript adds `(string & {})`, so
        // values a newer API sends still type-check.
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let mut schema = ::schemars::json_schema!({
                    "type": "string",
                    "enum": Self::KNOWN,
                    "x-open-enum": true,
                });
                // The enum's doc comment, as derived schemas carry theirs.
                let doc: &[&str] = &[$($doc),*];
                let text = doc.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
                if !text.is_empty() {
                    schema.insert("description".into(), text.into());
                }
                schema
            }
        }
    };
}
