//! Which rules run and how firmly: a TOML table such as
//!
//! ```toml
//! [rules]
//! R37 = "off"                          # switched off
//! R05 = "hint"                         # another severity
//! R11 = 8                              # a rule's number: at least 8 indicators
//! R12 = { value = 50, severity = "hint" }  # both
//!
//! [grade]
//! must = 20                            # see `Scoring`
//! ```
//!
//! An unknown rule id, a number given to a rule that takes none, or a word
//! that is not a severity is an error naming it (the TOML reader adds its
//! line and column).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::Severity;
use crate::grade::Scoring;
use crate::rules::{RULES, RuleInfo, rule};

/// A rule's switch: off, or on with a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Switch {
    Off,
    Must,
    Should,
    Hint,
}

impl Switch {
    fn severity(self) -> Option<Severity> {
        match self {
            Switch::Off => None,
            Switch::Must => Some(Severity::Must),
            Switch::Should => Some(Severity::Should),
            Switch::Hint => Some(Severity::Hint),
        }
    }

    fn parse(s: &str) -> Option<Switch> {
        match s {
            "off" => Some(Switch::Off),
            "must" => Some(Switch::Must),
            "should" => Some(Switch::Should),
            "hint" => Some(Switch::Hint),
            _ => None,
        }
    }
}

/// One rule's setting: a switch, a number, or both.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Setting {
    pub switch: Option<Switch>,
    /// The number a rule needs (R11: indicators; R12: percent quantitative).
    pub value: Option<f64>,
}

/// What went wrong in a review configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("unknown rule id \"{id}\"; rules: {known}")]
    UnknownRule { id: String, known: String },
    #[error("rule {id} takes no number")]
    NoNumber { id: &'static str },
    #[error("rule {id}: {message}")]
    BadNumber { id: &'static str, message: String },
    #[error("\"{0}\" is not a severity: off, must, should or hint")]
    BadSwitch(String),
}

/// The rules' settings, by rule id; rules not named keep their defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RuleSettings(BTreeMap<&'static str, Setting>);

impl RuleSettings {
    /// Sets one rule, checking the id and the number against the rule.
    pub fn set(&mut self, id: &str, setting: Setting) -> Result<(), ConfigError> {
        let info = rule(id).ok_or_else(|| ConfigError::UnknownRule {
            id: id.to_string(),
            known: known_ids(),
        })?;
        if let Some(v) = setting.value {
            check_number(info, v)?;
        }
        self.0.insert(info.id, setting);
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&Setting> {
        self.0.get(id)
    }
}

fn known_ids() -> String {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.join(", ")
}

fn check_number(info: &RuleInfo, v: f64) -> Result<(), ConfigError> {
    let Some((lo, hi)) = info.number else {
        return Err(ConfigError::NoNumber { id: info.id });
    };
    if !(v.is_finite() && v >= lo && v <= hi) {
        return Err(ConfigError::BadNumber {
            id: info.id,
            message: format!("{v} is outside {lo}..={hi}"),
        });
    }
    Ok(())
}

/// The review's configuration: rule settings and the grading.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub rules: RuleSettings,
    #[serde(default)]
    pub grade: Scoring,
}

/// How a rule runs under a configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Effective {
    /// The severity set in the configuration, which wins over a rule's own
    /// (a template's lowered R09, a name's placeholder under R22).
    pub forced: Option<Severity>,
    pub default: Severity,
    pub value: Option<f64>,
}

impl Config {
    /// A configuration with these rules set, for code that builds one.
    pub fn with(settings: &[(&str, Setting)]) -> Result<Self, ConfigError> {
        let mut c = Config::default();
        for (id, s) in settings {
            c.rules.set(id, *s)?;
        }
        Ok(c)
    }

    /// Whether and how `info` runs: `None` when it is off (switched off, or
    /// a rule that needs a number and has none).
    pub(crate) fn effective(&self, info: &RuleInfo) -> Option<Effective> {
        let s = self.rules.get(info.id).copied().unwrap_or_default();
        let forced = match s.switch {
            Some(Switch::Off) => return None,
            Some(w) => w.severity(),
            None => None,
        };
        if info.number.is_some() && s.value.is_none() {
            return None;
        }
        Some(Effective {
            forced,
            default: info.default,
            value: s.value,
        })
    }
}

struct SettingVisitor;

impl<'de> Visitor<'de> for SettingVisitor {
    type Value = Setting;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"off\", \"must\", \"should\", \"hint\", a number, or { severity, value }")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Setting, E> {
        let switch = Switch::parse(v).ok_or_else(|| E::custom(ConfigError::BadSwitch(v.into())))?;
        Ok(Setting {
            switch: Some(switch),
            value: None,
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Setting, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Setting, E> {
        self.visit_f64(v as f64)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Setting, E> {
        Ok(Setting {
            switch: None,
            value: Some(v),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Setting, A::Error> {
        let mut s = Setting::default();
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "severity" => {
                    let v: String = map.next_value()?;
                    let w = Switch::parse(&v)
                        .ok_or_else(|| de::Error::custom(ConfigError::BadSwitch(v.clone())))?;
                    s.switch = Some(w);
                }
                "value" => s.value = Some(map.next_value::<f64>()?),
                other => return Err(de::Error::unknown_field(other, &["severity", "value"])),
            }
        }
        Ok(s)
    }
}

impl<'de> Deserialize<'de> for Setting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SettingVisitor)
    }
}

struct SettingsVisitor;

impl<'de> Visitor<'de> for SettingsVisitor {
    type Value = RuleSettings;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table of rule ids (R01 = \"off\")")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RuleSettings, A::Error> {
        let mut out = RuleSettings::default();
        // The id is checked as the key is read, so that the error points at it.
        while let Some(RuleId(id)) = map.next_key::<RuleId>()? {
            let v: Setting = map.next_value()?;
            out.set(id, v).map_err(de::Error::custom)?;
        }
        Ok(out)
    }
}

/// A known rule id, as a configuration's key.
struct RuleId(&'static str);

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let k = String::deserialize(d)?;
        match rule(&k) {
            Some(r) => Ok(RuleId(r.id)),
            None => Err(de::Error::custom(ConfigError::UnknownRule {
                id: k,
                known: known_ids(),
            })),
        }
    }
}

impl<'de> Deserialize<'de> for RuleSettings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(SettingsVisitor)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a panic is a failed test
    use super::*;

    fn parse(s: &str) -> Result<Config, String> {
        toml::from_str::<Config>(s).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_switches_numbers_and_both() {
        let c = parse(
            "[rules]\nR37 = \"off\"\nR05 = \"hint\"\nR11 = 8\nR12 = { value = 50.5, severity = \"hint\" }\n",
        )
        .unwrap();
        assert_eq!(c.rules.get("R37").unwrap().switch, Some(Switch::Off));
        assert_eq!(c.rules.get("R11").unwrap().value, Some(8.0));
        let r12 = c.rules.get("R12").unwrap();
        assert_eq!((r12.switch, r12.value), (Some(Switch::Hint), Some(50.5)));
        assert!(c.effective(rule("R37").unwrap()).is_none());
        let r05 = c.effective(rule("R05").unwrap()).unwrap();
        assert_eq!(r05.forced, Some(Severity::Hint));
    }

    #[test]
    fn rules_needing_a_number_are_off_until_given_one() {
        let c = Config::default();
        assert!(c.effective(rule("R11").unwrap()).is_none());
        assert!(c.effective(rule("R12").unwrap()).is_none());
        assert!(c.effective(rule("R06").unwrap()).is_some());
        // A severity alone does not switch it on.
        let c = parse("[rules]\nR11 = \"must\"\n").unwrap();
        assert!(c.effective(rule("R11").unwrap()).is_none());
    }

    #[test]
    fn names_an_unknown_rule_with_its_place() {
        let e = parse("[rules]\nR05 = \"must\"\nR99 = \"off\"\n").unwrap_err();
        assert!(e.contains("unknown rule id \"R99\""), "{e}");
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn refuses_bad_words_and_numbers() {
        let e = parse("[rules]\nR05 = \"warn\"\n").unwrap_err();
        assert!(e.contains("\"warn\" is not a severity"), "{e}");
        let e = parse("[rules]\nR05 = 3\n").unwrap_err();
        assert!(e.contains("R05 takes no number"), "{e}");
        let e = parse("[rules]\nR12 = 150\n").unwrap_err();
        assert!(e.contains("R12"), "{e}");
        let e = parse("[rules]\nR12 = { value = 5, level = \"x\" }\n").unwrap_err();
        assert!(e.contains("level"), "{e}");
        let e = parse("[other]\n").unwrap_err();
        assert!(e.contains("other"), "{e}");
    }
}
