//! `named_enum!`: an enum whose values have a configuration name and a description (their
//! documentation), with `ALL`, `name()`, `describe()`, `Display` and `FromStr`. The rules and
//! the features are such enums.

/// Declares a named enum (see the module documentation).
macro_rules! named_enum {
    ($(#[doc = $edoc:literal])* $enum:ident, $what:literal {
        $($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*
    }) => {
        $(#[doc = $edoc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $enum {
            $($(#[doc = $doc])* $variant,)*
        }

        impl $enum {
            /// Every value, in order.
            pub const ALL: &'static [$enum] = &[$($enum::$variant,)*];

            /// The name in configurations and model files.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self {
                    $($enum::$variant => $name,)*
                }
            }

            /// What it is (its documentation).
            #[must_use]
            pub fn describe(self) -> &'static str {
                match self {
                    $($enum::$variant => concat!($($doc,)*).trim_ascii(),)*
                }
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $enum {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $enum::ALL.iter().copied().find(|v| v.name() == s).ok_or_else(|| {
                    format!(
                        concat!("unknown ", $what, " {:?}; the ", $what, "s are: {}"),
                        s,
                        $enum::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ")
                    )
                })
            }
        }
    };
}
