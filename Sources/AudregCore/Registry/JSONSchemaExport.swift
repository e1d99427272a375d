/// Turns `RegistrySchema` into a JSON Schema (draft 2020-12) for YAML language servers and editors.
public enum JSONSchemaExport {
    public static let id = "https://audreg.dev/schema/audreg-v1.json"

    public static func document() -> JSONValue {
        var definitions: [(String, JSONValue)] = []
        var seen = Set<String>()
        func collect(_ schema: ObjectSchema) {
            guard seen.insert(schema.name).inserted else { return }
            definitions.append((schema.name, object(schema)))
            for field in schema.fields { collect(in: field.type) }
        }
        func collect(in type: SchemaType) {
            switch type {
            case .object(let schema): collect(schema)
            case .list(let element), .map(let element): collect(in: element)
            default: break
            }
        }
        collect(RegistrySchema.metadata)
        for kind in EntityKind.allCases { collect(RegistrySchema.spec(for: kind)) }
        definitions.sort { $0.0 < $1.0 }

        let conditionals: [JSONValue] = EntityKind.allCases.map { kind in
            .object([
                ("if", .object([("properties", .object([("kind", .object([("const", .string(kind.rawValue))]))]))])),
                ("then", .object([("properties", .object([("spec", .object([("$ref", .string("#/$defs/\(RegistrySchema.spec(for: kind).name)"))]))]))])),
            ])
        }
        return .object([
            ("$schema", "https://json-schema.org/draft/2020-12/schema"),
            ("$id", .string(id)),
            ("title", "audreg/v1 registry entity"),
            ("description", "One document of an audreg registry: a Service, Issuer, Team or Policy."),
            ("type", "object"),
            ("required", ["apiVersion", "kind", "metadata"]),
            ("additionalProperties", false),
            ("properties", .object([
                ("apiVersion", .object([("const", .string(RegistrySchema.apiVersion)), ("description", "Always audreg/v1.")])),
                ("kind", .object([("enum", .array(EntityKind.allCases.map { .string($0.rawValue) })), ("description", "Service, Issuer, Team or Policy.")])),
                ("metadata", .object([("$ref", "#/$defs/Metadata")])),
                ("spec", .object([("type", "object"), ("description", "The kind's own fields.")])),
            ])),
            ("allOf", .array(conditionals)),
            ("$defs", .object(definitions)),
        ])
    }

    static func object(_ schema: ObjectSchema) -> JSONValue {
        .object([
            ("type", "object"),
            ("additionalProperties", false),
            ("required", .array(schema.fields.filter(\.required).map { .string($0.name) })),
            ("properties", .object(schema.fields.map { field in
                var members = typeMembers(field.type)
                members.append(("description", .string(field.summary)))
                return (field.name, .object(members))
            })),
        ])
    }

    static func typeMembers(_ type: SchemaType) -> [(String, JSONValue)] {
        switch type {
        case .string(let format):
            var members: [(String, JSONValue)] = [("type", "string")]
            switch format {
            case .text: break
            case .name: members.append(("pattern", .string(RegistrySchema.namePattern)))
            case .url: members.append(("pattern", "^[A-Za-z][A-Za-z0-9+.-]*://"))
            case .issuerValue: members.append(("minLength", .int(1)))
            case .duration: members.append(("pattern", "^([0-9]+[smhd])+$"))
            case .date: members.append(("pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
            case .oneOf(let values): members.append(("enum", .array(values.map(JSONValue.string))))
            }
            return members
        case .integer(let minimum): return [("type", "integer"), ("minimum", .int(minimum))]
        case .boolean: return [("type", "boolean")]
        case .list(let element): return [("type", "array"), ("items", .object(typeMembers(element)))]
        case .object(let schema): return [("$ref", .string("#/$defs/\(schema.name)"))]
        case .map(let value): return [("type", "object"), ("additionalProperties", .object(typeMembers(value)))]
        }
    }
}
