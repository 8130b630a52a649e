//! [`ClientDetails`]: the payer of a Purchase or the counterparty of a Payment.

use hookbridge_core::redact::ExtraFields;
use serde::{Deserialize, Serialize};

/// `ClientDetails`: the payer of a Purchase or the counterparty of a Payment.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientDetails {
    /// Email address.
    pub email: Option<String>,
    /// Phone number (`<country_code> <number>`).
    pub phone: Option<String>,
    /// Name and surname.
    pub full_name: Option<String>,
    /// Personal identification code.
    pub personal_code: Option<String>,
    /// Street address.
    pub street_address: Option<String>,
    /// Country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// City.
    pub city: Option<String>,
    /// ZIP or postal code.
    pub zip_code: Option<String>,
    /// State code.
    pub state: Option<String>,
    /// Shipping street address.
    pub shipping_street_address: Option<String>,
    /// Shipping country.
    pub shipping_country: Option<String>,
    /// Shipping city.
    pub shipping_city: Option<String>,
    /// Shipping ZIP code.
    pub shipping_zip_code: Option<String>,
    /// Shipping state.
    pub shipping_state: Option<String>,
    /// Carbon-copy recipients.
    pub cc: Option<Vec<String>>,
    /// Blind-carbon-copy recipients.
    pub bcc: Option<Vec<String>>,
    /// Legal name of a company client.
    pub legal_name: Option<String>,
    /// Brand name of a company client.
    pub brand_name: Option<String>,
    /// Company registration number.
    pub registration_number: Option<String>,
    /// Tax payer registration number.
    pub tax_number: Option<String>,
    /// Bank account number.
    pub bank_account: Option<String>,
    /// SWIFT/BIC code.
    pub bank_code: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}
