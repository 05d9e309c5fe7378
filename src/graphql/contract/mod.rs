//! What a GraphQL document is held to before any resolver runs, and what
//! its answer is held to after: spec-complete validation (apollo-compiler,
//! once per distinct document), the trusted documents of the portal's own
//! clients, variable coercion, the cost limit, and the specification's
//! null-propagation and field-order rules for the response.
//!
//! async-graphql executes the document; this module is the part of the
//! GraphQL layer that makes its answers exact (see `complete`).

pub mod complete;
pub mod cost;
pub mod trusted;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use apollo_compiler::ast::{Type, Value as AstValue};
use apollo_compiler::executable::{Field, Operation, Selection, SelectionSet};
use apollo_compiler::response::{JsonMap, JsonValue};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Name, Node, Schema};
use indexmap::IndexMap;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use cost::MAX_COST;

/// A document that parsed and validated against the served schema.
#[derive(Debug)]
pub struct Prepared {
    /// `sha256:` and the lowercase hex SHA-256 of the text's bytes.
    pub id: String,
    pub text: Arc<str>,
    pub document: Valid<ExecutableDocument>,
    /// The same text parsed for the executor, once: a request hands the
    /// executor a copy instead of the text to parse again.
    pub parsed: async_graphql::parser::types::ExecutableDocument,
    /// One of the portal's own released documents.
    pub trusted: bool,
}

/// A request error: the request as a whole is refused, nothing runs.
#[derive(Debug)]
pub struct RequestErrors(pub Vec<Value>);

impl RequestErrors {
    fn one(message: impl Into<String>) -> Self {
        Self(vec![
            json!({ "message": message.into(), "extensions": { "code": "BAD_REQUEST" } }),
        ])
    }
}

/// Distinct non-trusted documents kept validated; past this the cache
/// starts afresh (staff send few distinct documents).
const CACHE_LIMIT: usize = 256;

/// The served schema as apollo-compiler sees it, the trusted documents,
/// and the validated-document cache.
pub struct Contract {
    schema: Valid<Schema>,
    trusted: HashMap<String, Arc<Prepared>>,
    cache: Mutex<HashMap<String, Arc<Prepared>>>,
}

impl std::fmt::Debug for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contract")
            .field("trusted", &self.trusted.len())
            .finish_non_exhaustive()
    }
}

/// The id of a document text: `sha256:` and the hex digest of its bytes.
pub fn document_id(text: &str) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())))
}

impl Contract {
    /// Builds the contract for the schema `sdl`, parsing and validating
    /// every trusted document once; a trusted document that does not
    /// validate (or whose id does not match its text) stops the start.
    pub fn new(sdl: &str, manifest: &trusted::Manifest) -> Result<Self, String> {
        let schema = Schema::parse_and_validate(sdl, "schema.graphql")
            .map_err(|e| format!("the served schema does not validate: {}", e.errors))?;
        let mut trusted = HashMap::new();
        for entry in manifest.active() {
            if document_id(&entry.text) != entry.id {
                return Err(format!(
                    "trusted document {} ({}) does not hash to its id",
                    entry.id, entry.file
                ));
            }
            let prepared =
                validate(&schema, entry.id.clone(), &entry.text, true).map_err(|errors| {
                    format!(
                        "trusted document {} ({}) does not validate: {}",
                        entry.id,
                        entry.file,
                        Value::Array(errors.0)
                    )
                })?;
            trusted.insert(entry.id.clone(), Arc::new(prepared));
        }
        Ok(Self {
            schema,
            trusted,
            cache: Mutex::new(HashMap::new()),
        })
    }

    pub fn schema(&self) -> &Valid<Schema> {
        &self.schema
    }

    /// The trusted document with this id, if there is one.
    pub fn trusted(&self, id: &str) -> Option<Arc<Prepared>> {
        self.trusted.get(id).cloned()
    }

    /// Parses and validates `text` (whose [`document_id`] is `id`), once
    /// per distinct text; a trusted text is found, not parsed.
    pub fn prepare(&self, id: String, text: &str) -> Result<Arc<Prepared>, RequestErrors> {
        if let Some(found) = self.trusted.get(&id) {
            return Ok(found.clone());
        }
        if let Some(found) = self.lock_cache().get(&id) {
            return Ok(found.clone());
        }
        let prepared = Arc::new(validate(&self.schema, id.clone(), text, false)?);
        let mut cache = self.lock_cache();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(id, prepared.clone());
        Ok(prepared)
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Prepared>>> {
        // A panic while holding the lock leaves a usable map behind.
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The operation a request selects, and its variables coerced as the
    /// specification's CoerceVariableValues does.
    pub fn operation<'d>(
        &self,
        prepared: &'d Prepared,
        operation_name: Option<&str>,
        variables: &serde_json::Map<String, Value>,
    ) -> Result<(&'d Node<Operation>, JsonMap), RequestErrors> {
        let operation = prepared
            .document
            .operations
            .get(operation_name)
            .map_err(|e| RequestErrors::one(e.message().to_string()))?;
        let raw: JsonMap = variables
            .iter()
            .map(|(k, v)| (k.as_str().into(), JsonValue::from(v.clone())))
            .collect();
        let coerced =
            apollo_compiler::request::coerce_variable_values(&self.schema, operation, &raw)
                .map_err(|e| RequestErrors::one(e.message().to_string()))?
                .into_inner();
        for definition in &operation.variables {
            if let Some(value) = coerced.get(definition.name.as_str())
                && let Some(problem) = custom_scalar_problem(&self.schema, &definition.ty, value)
            {
                return Err(RequestErrors::one(format!(
                    "variable ${}: {problem}",
                    definition.name
                )));
            }
        }
        Ok((operation, coerced))
    }
}

/// Parses and validates a document; the errors are GraphQL errors with
/// their locations.
fn validate(
    schema: &Valid<Schema>,
    id: String,
    text: &str,
    trusted: bool,
) -> Result<Prepared, RequestErrors> {
    let document = ExecutableDocument::parse_and_validate(schema, text, "document.graphql")
        .map_err(|with_errors| {
            RequestErrors(
                with_errors
                    .errors
                    .iter()
                    .map(|d| {
                        let mut error = serde_json::to_value(d.to_json()).unwrap_or(Value::Null);
                        error["extensions"] = json!({ "code": "BAD_REQUEST" });
                        error
                    })
                    .collect(),
            )
        })?;
    check_literals(schema, &document)?;
    let parsed = async_graphql::parser::parse_query(text).map_err(|e| {
        RequestErrors(vec![json!({
            "message": e.to_string(),
            "extensions": { "code": "BAD_REQUEST" },
        })])
    })?;
    Ok(Prepared {
        id,
        text: text.into(),
        document,
        parsed,
        trusted,
    })
}

/// Literals of the portal's own scalars (`Date`, `DateTime`) must be
/// coercible too (Values of Correct Type); apollo-compiler cannot know
/// their formats.
fn check_literals(
    schema: &Valid<Schema>,
    document: &ExecutableDocument,
) -> Result<(), RequestErrors> {
    let fields = document
        .operations
        .iter()
        .flat_map(|op| op.all_fields(document))
        .chain(
            document
                .fragments
                .values()
                .flat_map(|f| f.selection_set.all_fields(document)),
        );
    for field in fields {
        for argument in &field.arguments {
            let Some(definition) = field.definition.argument_by_name(&argument.name) else {
                continue;
            };
            let value = literal_json(&argument.value);
            if let Some(problem) = custom_scalar_problem(schema, &definition.ty, &value) {
                return Err(RequestErrors::one(format!(
                    "argument {} of {}: {problem}",
                    argument.name, field.name
                )));
            }
        }
    }
    for operation in document.operations.iter() {
        for variable in &operation.variables {
            if let Some(default) = &variable.default_value
                && let Some(problem) =
                    custom_scalar_problem(schema, &variable.ty, &literal_json(default))
            {
                return Err(RequestErrors::one(format!(
                    "default of ${}: {problem}",
                    variable.name
                )));
            }
        }
    }
    Ok(())
}

/// A literal as JSON; variables become null (they are checked when coerced).
fn literal_json(value: &AstValue) -> JsonValue {
    match value {
        AstValue::String(s) => JsonValue::String(s.as_str().into()),
        AstValue::List(items) => JsonValue::Array(items.iter().map(|v| literal_json(v)).collect()),
        AstValue::Object(fields) => JsonValue::Object(
            fields
                .iter()
                .map(|(k, v)| (k.as_str().into(), literal_json(v)))
                .collect(),
        ),
        AstValue::Boolean(b) => JsonValue::Bool(*b),
        // Numbers and enums need no check of ours; apollo-compiler has
        // checked them against their types.
        _ => JsonValue::Null,
    }
}

/// Why `value` cannot be a `ty` of the portal's own scalars, if it cannot.
fn custom_scalar_problem(schema: &Schema, ty: &Type, value: &JsonValue) -> Option<String> {
    match (value, ty) {
        (JsonValue::Null, _) => None,
        (JsonValue::Array(items), Type::List(inner) | Type::NonNullList(inner)) => items
            .iter()
            .find_map(|v| custom_scalar_problem(schema, inner, v)),
        (_, Type::List(inner) | Type::NonNullList(inner)) => {
            custom_scalar_problem(schema, inner, value)
        }
        (_, Type::Named(name) | Type::NonNullNamed(name)) => match schema.types.get(name) {
            Some(apollo_compiler::schema::ExtendedType::InputObject(object)) => {
                let JsonValue::Object(map) = value else {
                    return None;
                };
                object.fields.iter().find_map(|(field, definition)| {
                    map.get(field.as_str())
                        .and_then(|v| custom_scalar_problem(schema, &definition.ty, v))
                })
            }
            _ => scalar_problem(name.as_str(), value),
        },
    }
}

fn scalar_problem(scalar: &str, value: &JsonValue) -> Option<String> {
    let text = value.as_str();
    let ok = match scalar {
        "Date" => text.is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
        "DateTime" => text.is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()),
        _ => return None,
    };
    (!ok).then(|| match scalar {
        "Date" => "expected a Date as YYYY-MM-DD".to_string(),
        _ => "expected a DateTime in RFC 3339 with an offset".to_string(),
    })
}

/// The fields a selection set selects on an object type, merged by
/// response key in the order they first appear (the specification's
/// CollectFields), with `@skip` and `@include` applied.
pub fn collect_fields<'d>(
    schema: &Schema,
    document: &'d ExecutableDocument,
    variables: &JsonMap,
    object_type: &str,
    sets: &[&'d SelectionSet],
) -> IndexMap<&'d Name, Vec<&'d Node<Field>>> {
    let mut fields: IndexMap<&'d Name, Vec<&'d Node<Field>>> = IndexMap::new();
    let mut visited_fragments = Vec::new();
    for set in sets {
        collect_into(
            schema,
            document,
            variables,
            object_type,
            set,
            &mut fields,
            &mut visited_fragments,
        );
    }
    fields
}

fn collect_into<'d>(
    schema: &Schema,
    document: &'d ExecutableDocument,
    variables: &JsonMap,
    object_type: &str,
    set: &'d SelectionSet,
    fields: &mut IndexMap<&'d Name, Vec<&'d Node<Field>>>,
    visited_fragments: &mut Vec<&'d Name>,
) {
    for selection in &set.selections {
        if !included(selection.directives(), variables) {
            continue;
        }
        let applies =
            |condition: &str| condition == object_type || schema.is_subtype(condition, object_type);
        match selection {
            Selection::Field(field) => fields.entry(field.response_key()).or_default().push(field),
            Selection::InlineFragment(inline) => {
                if inline
                    .type_condition
                    .as_ref()
                    .is_none_or(|c| applies(c.as_str()))
                {
                    collect_into(
                        schema,
                        document,
                        variables,
                        object_type,
                        &inline.selection_set,
                        fields,
                        visited_fragments,
                    );
                }
            }
            Selection::FragmentSpread(spread) => {
                if visited_fragments.contains(&&spread.fragment_name) {
                    continue;
                }
                let Some(fragment) = document.fragments.get(&spread.fragment_name) else {
                    continue;
                };
                visited_fragments.push(&spread.fragment_name);
                if applies(fragment.type_condition().as_str()) {
                    collect_into(
                        schema,
                        document,
                        variables,
                        object_type,
                        &fragment.selection_set,
                        fields,
                        visited_fragments,
                    );
                }
            }
        }
    }
}

/// `@skip(if:)` and `@include(if:)`, with variables.
fn included(directives: &apollo_compiler::executable::DirectiveList, variables: &JsonMap) -> bool {
    let condition = |name: &str| {
        directives
            .get(name)
            .and_then(|d| d.specified_argument_by_name("if"))
            .map(|v| match v.as_ref() {
                AstValue::Boolean(b) => *b,
                AstValue::Variable(var) => variables
                    .get(var.as_str())
                    .and_then(JsonValue::as_bool)
                    .unwrap_or(false),
                _ => false,
            })
    };
    condition("skip") != Some(true) && condition("include") != Some(false)
}

/// Mutations that compute a password or secret-answer hash.
const HASHING_MUTATIONS: &[&str] = &[
    "login",
    "unlockSignIn",
    "staffLogin",
    "completeRegistration",
    "recoverLoginId",
    "resetPassword",
    "completePasswordReset",
    "changePassword",
    "changeEmail",
    "withdraw",
];

/// How many of an operation's root fields (by response key, fragments
/// included) hash a secret: a request may run one, so aliases cannot buy
/// many hashes for one request.
pub fn hashing_fields(document: &ExecutableDocument, operation: &Operation) -> usize {
    let mut keys: Vec<&Name> = operation
        .root_fields(document)
        .filter(|f| operation.is_mutation() && HASHING_MUTATIONS.contains(&f.name.as_str()))
        .map(|f| f.response_key())
        .collect();
    keys.sort();
    keys.dedup();
    keys.len()
}

/// An integer argument of a field, from its literal, its variable, or the
/// argument's default.
pub fn int_argument(field: &Field, name: &str, variables: &JsonMap) -> Option<i64> {
    let value = field.specified_argument_by_name(name).or_else(|| {
        field
            .definition
            .argument_by_name(name)
            .and_then(|d| d.default_value.as_ref())
    })?;
    match value.as_ref() {
        AstValue::Int(i) => i.try_to_i32().ok().map(i64::from),
        AstValue::Variable(var) => variables.get(var.as_str()).and_then(JsonValue::as_i64),
        _ => None,
    }
}
