//! The change catalogue: every kind of contract change with its stable code, kebab-case
//! name, class and a one-line explanation (for `switchyard explain`).

use serde::Serialize;

/// How a change affects clients written against the old contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeClass {
    /// Such clients can fail.
    Breaking,
    /// Such clients may fail; the specification alone cannot decide.
    Warning,
    /// Such clients keep working.
    Compatible,
}

impl ChangeClass {
    /// The lower-case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Breaking => "breaking",
            Self::Warning => "warning",
            Self::Compatible => "compatible",
        }
    }
}

/// One kind of change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ChangeKind {
    /// Stable code, e.g. `C012`.
    pub code: &'static str,
    /// Stable kebab-case name.
    pub name: &'static str,
    /// Its class.
    pub class: ChangeClass,
    /// One line: what it is and why it has this class.
    pub explanation: &'static str,
}

macro_rules! catalogue {
    ($( $rule:ident = $code:literal $name:literal $class:ident $explanation:literal; )*) => {
        /// The rules of the catalogue, one per [`ChangeKind`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) enum Rule {
            $( $rule, )*
        }

        /// Every kind of change, in code order.
        static CATALOGUE: &[ChangeKind] = &[
            $( ChangeKind {
                code: $code,
                name: $name,
                class: ChangeClass::$class,
                explanation: $explanation,
            }, )*
        ];
    };
}

impl Rule {
    /// The catalogue entry of the rule.
    pub(crate) fn kind(self) -> &'static ChangeKind {
        &CATALOGUE[self as usize]
    }
}

/// Every kind of change the diff reports, in code order.
pub fn catalogue() -> &'static [ChangeKind] {
    CATALOGUE
}

/// The kind with this code (`C012`) or name (`request-property-became-required`).
pub fn lookup(code_or_name: &str) -> Option<&'static ChangeKind> {
    CATALOGUE
        .iter()
        .find(|k| k.code.eq_ignore_ascii_case(code_or_name) || k.name == code_or_name)
}

catalogue! {
    OperationRemoved = "C001" "operation-removed" Breaking
        "an operation was removed: clients calling it get 404 or 405";
    OperationAdded = "C002" "operation-added" Compatible
        "an operation was added: old clients do not call it";
    OperationDeprecated = "C003" "operation-deprecated" Compatible
        "an operation was marked deprecated: it still works, but clients should move away";
    SuccessResponseRemoved = "C004" "success-response-removed" Breaking
        "a success (2XX) response was removed: clients expecting it get something else";
    ErrorResponseRemoved = "C005" "error-response-removed" Compatible
        "a non-success response was removed from the description; clients handling it keep working";
    ResponseAdded = "C006" "response-added" Compatible
        "a response status was added; well-written clients handle unknown statuses by class";
    RequestBodyAddedRequired = "C007" "request-body-added-required" Breaking
        "a required request body was added: old clients send none and are rejected";
    RequestBodyAddedOptional = "C008" "request-body-added-optional" Compatible
        "an optional request body was added: old clients may keep sending none";
    RequestBodyRemoved = "C009" "request-body-removed" Breaking
        "the request body was removed: what old clients send is no longer understood";
    RequestBodyBecameRequired = "C010" "request-body-became-required" Breaking
        "the request body became required: old clients that send none are rejected";
    RequestBodyBecameOptional = "C011" "request-body-became-optional" Compatible
        "the request body became optional: old clients still send one";
    RequestMediaTypeRemoved = "C012" "request-media-type-removed" Breaking
        "a request media type was removed: old clients sending it are rejected";
    RequestMediaTypeAdded = "C013" "request-media-type-added" Compatible
        "a request media type was added: old clients keep using the others";
    ResponseMediaTypeRemoved = "C014" "response-media-type-removed" Breaking
        "a response media type was removed: clients asking for it no longer get it";
    ResponseMediaTypeAdded = "C015" "response-media-type-added" Compatible
        "a response media type was added: old clients keep asking for the others";
    RequiredParameterAdded = "C016" "required-parameter-added" Breaking
        "a required parameter was added: old clients do not send it and are rejected";
    OptionalParameterAdded = "C017" "optional-parameter-added" Compatible
        "an optional parameter was added: old clients may leave it out";
    ParameterRemoved = "C018" "parameter-removed" Warning
        "a parameter was removed: old clients still send it, and the server may ignore or reject it";
    ParameterBecameRequired = "C019" "parameter-became-required" Breaking
        "a parameter became required: old clients that leave it out are rejected";
    ParameterBecameOptional = "C020" "parameter-became-optional" Compatible
        "a parameter became optional: old clients still send it";
    ParameterLocationChanged = "C021" "parameter-location-changed" Breaking
        "a parameter moved (e.g. from query to header): old clients send it in the old place";
    ParameterDeprecated = "C022" "parameter-deprecated" Compatible
        "a parameter was marked deprecated: it still works";
    ParameterDefaultChanged = "C023" "parameter-default-changed" Breaking
        "a parameter's default changed: old clients that leave it out silently get other behaviour";
    RequiredResponseHeaderRemoved = "C024" "required-response-header-removed" Breaking
        "a response header that was always sent was removed: clients reading it fail";
    OptionalResponseHeaderRemoved = "C025" "optional-response-header-removed" Warning
        "an optional response header was removed: clients that use it when present lose it";
    ResponseHeaderBecameOptional = "C026" "response-header-became-optional" Breaking
        "a response header is no longer always sent: clients relying on it fail";
    ResponseHeaderAdded = "C027" "response-header-added" Compatible
        "a response header was added: old clients ignore it";
    SecurityAdded = "C028" "security-added" Breaking
        "an operation that needed no credentials now needs them: old clients are rejected";
    SecurityRemoved = "C029" "security-removed" Compatible
        "an operation no longer needs credentials: old clients send them anyway";
    SecurityAlternativeRemoved = "C030" "security-alternative-removed" Breaking
        "a way of authenticating (a scheme or its scopes) is no longer accepted: clients using it are rejected";
    SecurityAlternativeAdded = "C031" "security-alternative-added" Compatible
        "a new way of authenticating is accepted: old clients keep using theirs";
    RequestTypeChanged = "C040" "request-type-changed" Breaking
        "a request value's type changed: what old clients send no longer validates";
    RequestTypeGeneralized = "C041" "request-type-generalized" Compatible
        "a request value accepts more types: what old clients send still validates";
    ResponseTypeChanged = "C042" "response-type-changed" Breaking
        "a response value's type changed: old clients cannot read what the server now sends";
    ResponseTypeSpecialized = "C043" "response-type-specialized" Compatible
        "a response value has fewer possible types: old clients still read it";
    RequestBecameNotNullable = "C044" "request-became-not-nullable" Breaking
        "a request value no longer accepts null: old clients sending null are rejected";
    RequestBecameNullable = "C045" "request-became-nullable" Compatible
        "a request value now accepts null: old clients never send it";
    ResponseBecameNullable = "C046" "response-became-nullable" Breaking
        "a response value may now be null: old clients do not expect it";
    ResponseBecameNotNullable = "C047" "response-became-not-nullable" Compatible
        "a response value is never null any more: old clients handle that";
    RequestFormatChanged = "C048" "request-format-changed" Breaking
        "a request value's format changed: what old clients send may no longer validate";
    RequestFormatAdded = "C049" "request-format-added" Warning
        "a request value gained a format: what old clients send may no longer validate";
    RequestFormatRemoved = "C050" "request-format-removed" Compatible
        "a request value lost its format: anything old clients sent still validates";
    ResponseFormatChanged = "C051" "response-format-changed" Breaking
        "a response value's format changed: old clients may fail to parse it";
    ResponseFormatRemoved = "C052" "response-format-removed" Warning
        "a response value lost its format: old clients may get values they cannot parse";
    ResponseFormatAdded = "C053" "response-format-added" Compatible
        "a response value gained a format: it was already a valid value for old clients";
    RequestEnumValueRemoved = "C054" "request-enum-value-removed" Breaking
        "a request enum lost a value: old clients sending it are rejected";
    RequestEnumValueAdded = "C055" "request-enum-value-added" Compatible
        "a request enum gained a value: old clients never send it";
    RequestBecameEnum = "C056" "request-became-enum" Breaking
        "a request value is now limited to an enum: other values old clients send are rejected";
    RequestEnumRemoved = "C057" "request-enum-removed" Compatible
        "a request value is no longer limited to an enum";
    ResponseEnumValueAdded = "C058" "response-enum-value-added" Warning
        "a response enum gained a value: old clients may not handle it";
    ResponseEnumValueRemoved = "C059" "response-enum-value-removed" Compatible
        "a response enum lost a value: old clients just never see it";
    ResponseBecameEnum = "C060" "response-became-enum" Compatible
        "a response value is now limited to an enum: old clients already handle those values";
    ResponseEnumRemoved = "C061" "response-enum-removed" Warning
        "a response value is no longer limited to an enum: old clients may get values they do not handle";
    RequestLimitTightened = "C062" "request-limit-tightened" Breaking
        "a request limit (minimum, maximum, length, items, properties, multipleOf, uniqueItems) was tightened: some values old clients send are rejected";
    RequestLimitRelaxed = "C063" "request-limit-relaxed" Compatible
        "a request limit was relaxed: everything old clients send is still accepted";
    ResponseLimitRelaxed = "C064" "response-limit-relaxed" Breaking
        "a response limit was relaxed: the server may send values old clients do not expect";
    ResponseLimitTightened = "C065" "response-limit-tightened" Compatible
        "a response limit was tightened: old clients still accept every value";
    RequestPatternAdded = "C066" "request-pattern-added" Breaking
        "a request value must now match a pattern: values old clients send may be rejected";
    RequestPatternChanged = "C067" "request-pattern-changed" Warning
        "a request pattern changed: whether old clients' values still match cannot be decided";
    RequestPatternRemoved = "C068" "request-pattern-removed" Compatible
        "a request pattern was removed or now matches anything";
    ResponsePatternChanged = "C069" "response-pattern-changed" Warning
        "a response pattern changed or was removed: old clients may get values they do not expect";
    ResponsePatternAdded = "C070" "response-pattern-added" Compatible
        "a response value must now match a pattern: old clients accept it";
    RequestPropertyRemoved = "C071" "request-property-removed" Warning
        "a request property was removed: old clients still send it, and the server may ignore or reject it";
    RequestRequiredPropertyAdded = "C072" "request-required-property-added" Breaking
        "a required request property was added: old clients do not send it and are rejected";
    RequestOptionalPropertyAdded = "C073" "request-optional-property-added" Compatible
        "an optional request property was added: old clients may leave it out";
    RequestPropertyBecameRequired = "C074" "request-property-became-required" Breaking
        "a request property became required: old clients that leave it out are rejected";
    RequestPropertyBecameOptional = "C075" "request-property-became-optional" Compatible
        "a request property became optional: old clients still send it";
    ResponseRequiredPropertyRemoved = "C076" "response-required-property-removed" Breaking
        "a response property that was always sent was removed: clients reading it fail";
    ResponseOptionalPropertyRemoved = "C077" "response-optional-property-removed" Warning
        "an optional response property was removed: clients that use it when present lose it";
    ResponsePropertyAdded = "C078" "response-property-added" Compatible
        "a response property was added: old clients ignore it";
    ResponsePropertyBecameOptional = "C079" "response-property-became-optional" Breaking
        "a response property is no longer always sent: clients relying on it fail";
    ResponsePropertyBecameRequired = "C080" "response-property-became-required" Compatible
        "a response property is now always sent: old clients handle that";
    RequestAdditionalPropertiesClosed = "C081" "request-additional-properties-closed" Breaking
        "a request object no longer accepts extra properties: old clients sending some are rejected";
    RequestAdditionalPropertiesOpened = "C082" "request-additional-properties-opened" Compatible
        "a request object now accepts extra properties";
    ResponseAdditionalPropertiesOpened = "C083" "response-additional-properties-opened" Warning
        "a response object may now carry extra properties: strict old clients may reject them";
    ResponseAdditionalPropertiesClosed = "C084" "response-additional-properties-closed" Compatible
        "a response object no longer carries extra properties";
    RequestAlternativeRemoved = "C085" "request-alternative-removed" Breaking
        "a request `oneOf`/`anyOf` lost an alternative: old clients sending that shape are rejected";
    RequestAlternativeAdded = "C086" "request-alternative-added" Compatible
        "a request `oneOf`/`anyOf` gained an alternative";
    ResponseAlternativeAdded = "C087" "response-alternative-added" Breaking
        "a response `oneOf`/`anyOf` gained an alternative: old clients cannot read that shape";
    ResponseAlternativeRemoved = "C088" "response-alternative-removed" Compatible
        "a response `oneOf`/`anyOf` lost an alternative: old clients just never see it";
    RequestCompositionChanged = "C089" "request-composition-changed" Breaking
        "a request schema was wrapped in or unwrapped from `oneOf`/`anyOf`/`not`: validation changes in ways the spec cannot bound";
    ResponseCompositionChanged = "C090" "response-composition-changed" Breaking
        "a response schema was wrapped in or unwrapped from `oneOf`/`anyOf`/`not`: old clients may not read it";
    RequestDefaultChanged = "C091" "request-default-changed" Warning
        "a request value's default changed: old clients that leave it out may get other behaviour";
    DiscriminatorChanged = "C092" "discriminator-changed" Warning
        "a discriminator changed: clients choosing the variant by it may pick another one";
    RequestKeywordAdded = "C093" "request-keyword-added" Breaking
        "a request schema gained a validation keyword (e.g. contains, if/then/else, dependentRequired): values old clients send may be rejected";
    RequestKeywordRemoved = "C094" "request-keyword-removed" Compatible
        "a request schema lost a validation keyword: what old clients send still validates";
    RequestKeywordChanged = "C095" "request-keyword-changed" Breaking
        "a request schema's validation keyword changed: values old clients send may be rejected";
    ResponseKeywordRemoved = "C096" "response-keyword-removed" Breaking
        "a response schema lost a validation keyword: the server may send values old clients do not expect";
    ResponseKeywordAdded = "C097" "response-keyword-added" Compatible
        "a response schema gained a validation keyword: old clients accept every value";
    ResponseKeywordChanged = "C098" "response-keyword-changed" Breaking
        "a response schema's validation keyword changed: old clients may not expect what is sent";
    ResponseEnumReplaced = "C099" "response-enum-replaced" Breaking
        "a response enum no longer has any of its old values: old clients handle none of the values now sent";
}
