//! Restores the specification's rules to what async-graphql's executor
//! answered (October 2021, §6.4.4 Handling Field Errors, §7.1.2, and the
//! field order of §6.3.2 CollectFields).
//!
//! async-graphql 7.2.1's `do_resolve_container` (`resolver_utils/
//! container.rs`) records a field's error and *leaves the field out* of
//! its object, never propagates a non-null error to the parent, turns an
//! object all of whose fields errored into `null`, and inserts fields in
//! the order their futures complete. This pass walks the answer with the
//! operation's typed selections and:
//! - puts every field in selection order;
//! - makes an absent (errored) nullable field `null`;
//! - makes a `null` in a non-null position null its nearest nullable
//!   ancestor, or the whole `data` when there is none.
//!
//! It only rearranges what the executor produced; errors stay as they are.

use apollo_compiler::ast::Type;
use apollo_compiler::executable::{Field, Operation, SelectionSet};
use apollo_compiler::response::JsonMap;
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::{ExecutableDocument, Node, Schema};
use async_graphql::{Name, PathSegment, Value};
use indexmap::IndexMap;

use super::collect_fields;

/// A `null` travelling up to the nearest nullable position.
struct NullBubble;

/// The operation's `data` as the specification wants it: `None` when a
/// null reached the root.
pub fn complete(
    schema: &Schema,
    document: &ExecutableDocument,
    operation: &Operation,
    variables: &JsonMap,
    data: Value,
    error_paths: &[&[PathSegment]],
) -> Option<Value> {
    let mut pass = Pass {
        schema,
        document,
        variables,
        error_paths,
        path: Vec::new(),
    };
    let map = match data {
        Value::Object(map) => map,
        _ => IndexMap::new(),
    };
    pass.object(
        operation.object_type().as_str(),
        &[&operation.selection_set],
        map,
    )
    .ok()
}

struct Pass<'a> {
    schema: &'a Schema,
    document: &'a ExecutableDocument,
    variables: &'a JsonMap,
    error_paths: &'a [&'a [PathSegment]],
    path: Vec<PathSegment>,
}

impl<'a> Pass<'a> {
    fn object(
        &mut self,
        ty: &str,
        sets: &[&'a SelectionSet],
        mut map: IndexMap<Name, Value>,
    ) -> Result<Value, NullBubble> {
        let fields = collect_fields(self.schema, self.document, self.variables, ty, sets);
        let mut out = IndexMap::with_capacity(fields.len());
        for (key, merged) in fields {
            let value = map.swap_remove(key.as_str()).unwrap_or(Value::Null);
            self.path.push(PathSegment::Field(key.to_string()));
            let completed = self.value(&merged[0].definition.ty, &merged, value);
            self.path.pop();
            out.insert(Name::new(key.as_str()), completed?);
        }
        Ok(Value::Object(out))
    }

    /// A value in a position of type `ty`.
    fn value(
        &mut self,
        ty: &Type,
        merged: &[&'a Node<Field>],
        value: Value,
    ) -> Result<Value, NullBubble> {
        let completed = self.inner(ty, merged, value);
        match (ty.is_non_null(), completed) {
            (true, Ok(Value::Null) | Err(NullBubble)) => Err(NullBubble),
            (false, Err(NullBubble)) => Ok(Value::Null),
            (_, Ok(v)) => Ok(v),
        }
    }

    fn inner(
        &mut self,
        ty: &Type,
        merged: &[&'a Node<Field>],
        value: Value,
    ) -> Result<Value, NullBubble> {
        if let Type::List(item) | Type::NonNullList(item) = ty {
            let Value::List(items) = value else {
                return Ok(value);
            };
            let mut out = Vec::with_capacity(items.len());
            for (index, v) in items.into_iter().enumerate() {
                self.path.push(PathSegment::Index(index));
                let completed = self.value(item, merged, v);
                self.path.pop();
                out.push(completed?);
            }
            return Ok(Value::List(out));
        }
        let name = ty.inner_named_type();
        if !matches!(
            self.schema.types.get(name),
            Some(ExtendedType::Object(_) | ExtendedType::Interface(_) | ExtendedType::Union(_))
        ) {
            return Ok(value);
        }
        let map = match value {
            Value::Object(map) => map,
            // The field itself errored: it is null.
            Value::Null if self.error_at_path() => return Ok(Value::Null),
            // The executor answers null for an object none of whose fields
            // it kept: when its fields errored, or all were skipped.
            Value::Null if self.error_below_path() || ty.is_non_null() => IndexMap::new(),
            other => return Ok(other),
        };
        let runtime = match map.get("__typename") {
            Some(Value::String(t)) if self.schema.get_object(t).is_some() => t.clone(),
            _ => name.to_string(),
        };
        let sets: Vec<&'a SelectionSet> = merged.iter().map(|f| &f.selection_set).collect();
        self.object(&runtime, &sets, map)
    }

    fn error_at_path(&self) -> bool {
        self.error_paths.contains(&self.path.as_slice())
    }

    fn error_below_path(&self) -> bool {
        self.error_paths
            .iter()
            .any(|p| p.len() > self.path.len() && p.starts_with(&self.path))
    }
}
