//! The cost of a document, computed before it runs, multiplying through
//! list sizes as GitHub's node limit and Shopify's calculated query cost do.
//!
//! Rules (README, "Query cost"):
//! - every selected field counts 1, scalars and `__typename` included;
//! - a list counts each of its items: `n × (1 + what each item selects)`;
//! - `n` is the connection's `first` (default 20, at most 100: a larger
//!   one is refused by the field) for `edges` and `nodes`, `months` (at
//!   most 120) for `usageHistory`, and for any other list its documented
//!   maximum ([`LIST_MAXIMA`], else 100);
//! - introspection is counted exactly from the schema it describes.
//!
//! The walk itself is bounded: it stops as soon as the count passes the
//! limit, so a refusal takes microseconds whatever the document.

use apollo_compiler::ast::Type;
use apollo_compiler::executable::{Field, SelectionSet};
use apollo_compiler::response::JsonMap;
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::{ExecutableDocument, Node, Schema};

use super::{collect_fields, int_argument};
use crate::billing::service::MAX_HISTORY_MONTHS;
use crate::graphql::pagination::{DEFAULT_PAGE, MAX_PAGE};

/// The most a document may cost. The portal's own documents cost at most
/// a few thousand (a test keeps them under a fifth of this); GraphiQL's
/// introspection query about the same.
pub const MAX_COST: u64 = 25_000;

/// Lists no argument bounds, with the most items they hold.
pub const LIST_MAXIMA: &[(&str, &str, u64)] = &[
    ("Customer", "serviceLocations", 20),
    ("SupportMember", "serviceLocations", 20),
    ("Bill", "lineItems", 12),
    ("Query", "secretQuestions", 10),
    ("Query", "tariffRevisions", 20),
    ("ServiceCharge", "tiers", 10),
    ("SupportMember", "locks", 20),
    ("SupportMember", "documents", 50),
    ("SupportMember", "noticesSent", 50),
    ("SupportMember", "mails", 50),
];
/// Items assumed of a list with no documented maximum.
const DEFAULT_LIST_MAXIMUM: u64 = 100;
/// Error lists of mutation payloads.
const USER_ERRORS_MAXIMUM: u64 = 10;

/// What a document costs: its count, or that it passed `limit`.
pub fn cost(
    schema: &Schema,
    document: &ExecutableDocument,
    operation: &apollo_compiler::executable::Operation,
    variables: &JsonMap,
    limit: u64,
) -> u64 {
    let mut walk = Walk {
        schema,
        document,
        variables,
        limit,
        spent: 0,
    };
    let root = operation.object_type().as_str();
    walk.object(root, &[&operation.selection_set], None)
}

struct Walk<'a> {
    schema: &'a Schema,
    document: &'a ExecutableDocument,
    variables: &'a JsonMap,
    limit: u64,
    /// Fields visited, so the walk stops early on an oversized document.
    spent: u64,
}

impl<'a> Walk<'a> {
    fn exhausted(&mut self) -> bool {
        self.spent += 1;
        self.spent > self.limit
    }

    /// Cost of what a selection on an object of type `ty` selects; `page`
    /// is the page size when the object is a connection.
    fn object(&mut self, ty: &str, sets: &[&'a SelectionSet], page: Option<u64>) -> u64 {
        let fields = collect_fields(self.schema, self.document, self.variables, ty, sets);
        let mut total: u64 = 0;
        for (_, merged) in fields {
            if self.exhausted() {
                return self.limit.saturating_add(1);
            }
            total = total.saturating_add(self.field(ty, &merged, page));
            if total > self.limit {
                return total;
            }
        }
        total
    }

    fn field(&mut self, parent: &str, merged: &[&'a Node<Field>], page: Option<u64>) -> u64 {
        let field = merged[0];
        let sets: Vec<&'a SelectionSet> = merged.iter().map(|f| &f.selection_set).collect();
        match field.name.as_str() {
            "__typename" => return 1,
            "__schema" => return 1 + self.introspect(&sets, Intro::Schema),
            "__type" => {
                let name = field
                    .specified_argument_by_name("name")
                    .and_then(|v| v.as_str().map(str::to_string))
                    .or_else(|| {
                        field
                            .specified_argument_by_name("name")
                            .and_then(|v| v.as_variable())
                            .and_then(|var| self.variables.get(var.as_str()))
                            .and_then(|v| v.as_str().map(str::to_string))
                    });
                let named = name.and_then(|n| apollo_compiler::Name::new(&n).ok());
                return 1 + match named {
                    Some(name) if self.schema.types.contains_key(&name) => {
                        self.introspect(&sets, Intro::Type(Type::Named(name)))
                    }
                    _ => 0,
                };
            }
            _ => {}
        }
        let ty = &field.definition.ty;
        let items = if ty.is_list() {
            self.list_size(parent, field, page)
        } else {
            1
        };
        let inner = ty.inner_named_type().as_str();
        let each = match self.schema.types.get(inner) {
            Some(ExtendedType::Object(_) | ExtendedType::Interface(_)) => {
                let child_page = field.definition.argument_by_name("first").map(|_| {
                    int_argument(field, "first", self.variables)
                        .unwrap_or(i64::from(DEFAULT_PAGE))
                        .clamp(0, i64::from(MAX_PAGE)) as u64
                });
                self.object(inner, &sets, child_page)
            }
            _ => 0,
        };
        items.saturating_mul(1 + each)
    }

    fn list_size(&self, parent: &str, field: &Field, page: Option<u64>) -> u64 {
        let name = field.name.as_str();
        if let (Some(page), "edges" | "nodes") = (page, name) {
            return page;
        }
        if name == "usageHistory" {
            return int_argument(field, "months", self.variables)
                .map_or(i64::from(MAX_HISTORY_MONTHS), |m| {
                    m.clamp(0, i64::from(MAX_HISTORY_MONTHS))
                }) as u64;
        }
        if name == "userErrors" {
            return USER_ERRORS_MAXIMUM;
        }
        LIST_MAXIMA
            .iter()
            .find(|(ty, f, _)| *ty == parent && *f == name)
            .map_or(DEFAULT_LIST_MAXIMUM, |(_, _, n)| *n)
    }

    /// Exact count of an introspection selection on `node`.
    fn introspect(&mut self, sets: &[&'a SelectionSet], node: Intro<'a>) -> u64 {
        let type_name = node.type_name();
        let fields = collect_fields(self.schema, self.document, self.variables, type_name, sets);
        let mut total: u64 = 0;
        for (_, merged) in fields {
            if self.exhausted() {
                return self.limit.saturating_add(1);
            }
            let subsets: Vec<&'a SelectionSet> = merged.iter().map(|f| &f.selection_set).collect();
            let children = node.children(self.schema, merged[0].name.as_str());
            let cost = match children {
                Children::Leaf => 1,
                Children::One(child) => 1 + self.introspect(&subsets, child),
                Children::Many(items) => {
                    let mut sum: u64 = 0;
                    for item in items {
                        sum = sum.saturating_add(1 + self.introspect(&subsets, item));
                        if sum > self.limit {
                            break;
                        }
                    }
                    sum
                }
                Children::Leaves(n) => n,
            };
            total = total.saturating_add(cost);
            if total > self.limit {
                return total;
            }
        }
        total
    }
}

/// An introspection object: what `__Schema`, `__Type`, `__Field`,
/// `__InputValue`, `__EnumValue` and `__Directive` describe.
enum Intro<'a> {
    Schema,
    Type(Type),
    Field(&'a apollo_compiler::schema::FieldDefinition),
    InputValue(&'a apollo_compiler::schema::InputValueDefinition),
    EnumValue,
    Directive(&'a apollo_compiler::schema::DirectiveDefinition),
}

enum Children<'a> {
    Leaf,
    Leaves(u64),
    One(Intro<'a>),
    Many(Vec<Intro<'a>>),
}

impl<'a> Intro<'a> {
    fn type_name(&self) -> &'static str {
        match self {
            Self::Schema => "__Schema",
            Self::Type(_) => "__Type",
            Self::Field(_) => "__Field",
            Self::InputValue(_) => "__InputValue",
            Self::EnumValue => "__EnumValue",
            Self::Directive(_) => "__Directive",
        }
    }

    fn children(&self, schema: &'a Schema, field: &str) -> Children<'a> {
        let named = |name: &apollo_compiler::Name| Intro::Type(Type::Named(name.clone()));
        match (self, field) {
            (Self::Schema, "types") => Children::Many(schema.types.keys().map(named).collect()),
            (Self::Schema, "queryType") => match &schema.schema_definition.query {
                Some(n) => Children::One(named(&n.name)),
                None => Children::Leaf,
            },
            (Self::Schema, "mutationType") => match &schema.schema_definition.mutation {
                Some(n) => Children::One(named(&n.name)),
                None => Children::Leaf,
            },
            (Self::Schema, "directives") => Children::Many(
                schema
                    .directive_definitions
                    .values()
                    .map(|d| Intro::Directive(d))
                    .collect(),
            ),
            (Self::Type(ty), _) => type_children(schema, ty, field),
            (Self::Field(f), "args") => {
                Children::Many(f.arguments.iter().map(|a| Intro::InputValue(a)).collect())
            }
            (Self::Field(f), "type") => Children::One(Intro::Type(f.ty.clone())),
            (Self::InputValue(v), "type") => Children::One(Intro::Type((*v.ty).clone())),
            (Self::Directive(d), "args") => {
                Children::Many(d.arguments.iter().map(|a| Intro::InputValue(a)).collect())
            }
            (Self::Directive(d), "locations") => Children::Leaves(d.locations.len() as u64),
            _ => Children::Leaf,
        }
    }
}

fn type_children<'a>(schema: &'a Schema, ty: &Type, field: &str) -> Children<'a> {
    let named = |name: &apollo_compiler::Name| Intro::Type(Type::Named(name.clone()));
    let definition = match ty {
        Type::Named(name) => schema.types.get(name),
        // Wrappers describe only their kind and what they wrap.
        Type::NonNullNamed(name) => {
            return match field {
                "ofType" => Children::One(Intro::Type(Type::Named(name.clone()))),
                _ => Children::Leaf,
            };
        }
        Type::List(inner) => {
            return match field {
                "ofType" => Children::One(Intro::Type((**inner).clone())),
                _ => Children::Leaf,
            };
        }
        Type::NonNullList(inner) => {
            return match field {
                "ofType" => Children::One(Intro::Type(Type::List(inner.clone()))),
                _ => Children::Leaf,
            };
        }
    };
    match (definition, field) {
        (Some(ExtendedType::Object(o)), "fields") => Children::Many(
            o.fields
                .values()
                .filter(|f| !f.name.starts_with("__"))
                .map(|f| Intro::Field(f))
                .collect(),
        ),
        (Some(ExtendedType::Interface(i)), "fields") => {
            Children::Many(i.fields.values().map(|f| Intro::Field(f)).collect())
        }
        (Some(ExtendedType::Object(o)), "interfaces") => Children::Many(
            o.implements_interfaces
                .iter()
                .map(|n| named(&n.name))
                .collect(),
        ),
        (Some(ExtendedType::Union(u)), "possibleTypes") => {
            Children::Many(u.members.iter().map(|n| named(&n.name)).collect())
        }
        (Some(ExtendedType::Enum(e)), "enumValues") => {
            Children::Many(e.values.values().map(|_| Intro::EnumValue).collect())
        }
        (Some(ExtendedType::InputObject(i)), "inputFields") => {
            Children::Many(i.fields.values().map(|f| Intro::InputValue(f)).collect())
        }
        _ => Children::Leaf,
    }
}
