//! [`IssuerDetails`] and its [`BankAccount`]s: the merchant as shown on a Purchase's invoice.

use hookbridge_core::redact::ExtraFields;
use serde::{Deserialize, Serialize};

/// `IssuerDetails`: the merchant company/brand, as persisted for invoice display.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IssuerDetails {
    /// Company website.
    pub website: Option<String>,
    /// Legal street address.
    pub legal_street_address: Option<String>,
    /// Legal country.
    pub legal_country: Option<String>,
    /// Legal city.
    pub legal_city: Option<String>,
    /// Legal ZIP code.
    pub legal_zip_code: Option<String>,
    /// Bank accounts.
    pub bank_accounts: Option<Vec<BankAccount>>,
    /// Legal name.
    pub legal_name: Option<String>,
    /// Brand name.
    pub brand_name: Option<String>,
    /// Registration number.
    pub registration_number: Option<String>,
    /// Tax number.
    pub tax_number: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// A bank account (`IssuerDetails.bank_accounts[]`).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BankAccount {
    /// Account number (e.g. IBAN).
    pub bank_account: Option<String>,
    /// SWIFT/BIC code.
    pub bank_code: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}
