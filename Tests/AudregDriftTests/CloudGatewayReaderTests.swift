import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// The AWS API Gateway JWT authorizer reader (CloudFormation, SAM, OpenAPI; YAML and JSON) and the
/// Azure API Management policy reader (XML through libexpat).
@Suite("Drift: AWS API Gateway and Azure API Management readers")
struct CloudGatewayReaderTests {
    static func at(_ location: AudregCore.SourceLocation?) -> String { location.map { "\($0.line):\($0.column)" } ?? "-" }

    static func error(_ body: () throws(DeploymentReadError) -> DeployedConfig) -> String {
        do { _ = try body(); return "none" } catch { return "\(at(error.location)) \(error.message)" }
    }

    // MARK: AWS

    static func template(_ jwtConfiguration: String, type: String = "JWT") -> [UInt8] {
        Array("""
            Resources:
              Api:
                Type: AWS::ApiGatewayV2::Api
              Auth:
                Type: AWS::ApiGatewayV2::Authorizer
                Properties:
                  ApiId: !Ref Api
                  AuthorizerType: \(type)
                  Name: orders-jwt
            \(jwtConfiguration)
            """.utf8)
    }

    @Test("AWS: the audience is required, so an authorizer without one (omitted or empty) is refused with its position")
    func awsOmittedAudience() throws {
        let reader = AWSAPIGatewayJWTAuthorizerReader()
        #expect(reader.enforcer.whenOmitted == .required && reader.enforcer.whenEmpty == .required)
        let omitted = Self.template("      JwtConfiguration:\n        Issuer: https://idp.example.com\n")
        #expect(Self.error { () throws(DeploymentReadError) in try reader.read(omitted, file: "t.yaml") }
            .hasPrefix("10:7 JWT authorizer 'Auth' has no JwtConfiguration.Audience: AWS requires it"))
        let empty = Self.template("      JwtConfiguration:\n        Audience: []\n        Issuer: https://idp.example.com\n")
        #expect(Self.error { () throws(DeploymentReadError) in try reader.read(empty, file: "t.yaml") }
            .hasPrefix("11:9 JWT authorizer 'Auth' has an empty JwtConfiguration.Audience list"))
        let noIssuer = Self.template("      JwtConfiguration:\n        Audience: [a]\n")
        #expect(Self.error { () throws(DeploymentReadError) in try reader.read(noIssuer, file: "t.yaml") }.contains("has no JwtConfiguration.Issuer"))
        #expect(reader.detects(omitted, file: "t.yaml"), "a template AWS refuses is still this kind's, so drift says why")
        // A Lambda (REQUEST) authorizer is not a JWT authorizer.
        let lambda = Self.template("      AuthorizerUri: arn:aws:lambda:…\n", type: "REQUEST")
        #expect(try reader.read(lambda, file: "t.yaml").providers.isEmpty)
        #expect(!reader.detects(lambda, file: "t.yaml"))
    }

    @Test("AWS: a template in YAML and in JSON gives the same authorizer, names and positions from the file")
    func awsYAMLAndJSON() throws {
        let reader = AWSAPIGatewayJWTAuthorizerReader()
        let yaml = Self.template("      JwtConfiguration:\n        Audience: [https://orders.example.com, orders-mobile]\n        Issuer: https://idp.example.com\n")
        let json = Array("""
            {"Resources": {
              "Api": {"Type": "AWS::ApiGatewayV2::Api"},
              "Auth": {"Type": "AWS::ApiGatewayV2::Authorizer",
                       "Properties": {"ApiId": {"Ref": "Api"}, "AuthorizerType": "JWT", "Name": "orders-jwt",
                                      "JwtConfiguration": {"Audience": ["https://orders.example.com", "orders-mobile"],
                                                           "Issuer": "https://idp.example.com"}}}}}
            """.utf8)
        for (bytes, positions) in [(yaml, ["11:20", "11:48"]), (json, ["5:61", "5:91"])] {
            let config = try reader.read(bytes, file: "t")
            let provider = try #require(config.providers.first)
            #expect(config.providers.count == 1)
            #expect(provider.name?.value == "Auth" && provider.isNamed("orders-jwt") && provider.isNamed("Api"))
            #expect(provider.audiences?.map(\.value.text) == ["https://orders.example.com", "orders-mobile"])
            #expect(provider.audiences?.map { Self.at($0.location) } == positions)
            #expect(provider.issuer?.value == "https://idp.example.com" && provider.unresolved.isEmpty)
        }
    }

    @Test("AWS: intrinsic functions, short and long, are unresolved values and never compared")
    func awsIntrinsics() throws {
        let reader = AWSAPIGatewayJWTAuthorizerReader()
        let short = try reader.read(Self.template("""
                  JwtConfiguration:
                    Audience: [https://orders.example.com, !Ref MobileClientId]
                    Issuer: !Sub "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"
            """), file: "t.yaml")
        let provider = try #require(short.providers.first)
        #expect(provider.audiences == nil, "a partial list would be reported as narrowed")
        #expect(provider.issuer == nil)
        #expect(provider.unresolved.map(\.setting) == ["audiences", "issuer"])
        #expect(provider.unresolved.map(\.placeholder) == ["!Ref MobileClientId", "!Sub https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"])
        let long = try reader.read(Array("""
            {"Resources": {"Auth": {"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": {"AuthorizerType": "JWT",
              "Name": {"Fn::Sub": "${Env}-jwt"},
              "JwtConfiguration": {"Fn::If": ["IsProd", {"Audience": ["a"], "Issuer": "i"}, {"Ref": "AWS::NoValue"}]}}}}}
            """.utf8), file: "t.json")
        let whole = try #require(long.providers.first)
        #expect(whole.aliases.isEmpty, "a Name written with Fn::Sub is not a name to select by")
        #expect(whole.unresolved.map(\.setting) == ["audiences", "issuer"])
        #expect(whole.unresolved.first?.placeholder == "Fn::If")
        let getAtt = try reader.read(Self.template("      JwtConfiguration:\n        Audience: !Split [',', !Ref Audiences]\n        Issuer: {'Fn::GetAtt': [Pool, ProviderURL]}\n"), file: "t.yaml")
        #expect(getAtt.providers.first?.unresolved.map(\.placeholder) == ["!Split", "Fn::GetAtt: [Pool, ProviderURL]"])
    }

    @Test("AWS: SAM HttpApi authorizers and OpenAPI schemes, on their own or as an API's Body")
    func awsSAMAndOpenAPI() throws {
        let reader = AWSAPIGatewayJWTAuthorizerReader()
        let sam = try reader.read(Array("""
            Resources:
              OrdersApi:
                Type: AWS::Serverless::HttpApi
                Properties:
                  Auth:
                    Authorizers:
                      Lambda: {FunctionArn: arn}
                      Jwt: {JwtConfiguration: {issuer: https://idp.example.com, audience: [a]}}
                  DefinitionBody:
                    openapi: 3.0.1
                    components:
                      securitySchemes:
                        inline: {type: oauth2, x-amazon-apigateway-authorizer: {type: jwt, jwtConfiguration: {issuer: https://idp.example.com, audience: [b]}}}
                        other: {type: apiKey}
            """.utf8), file: "sam.yaml")
        #expect(sam.providers.map { $0.name?.value ?? "-" } == ["Jwt", "inline"])
        #expect(sam.providers.allSatisfy { $0.isNamed("OrdersApi") })
        #expect(sam.providers.map { $0.audiences?.map(\.value.text) ?? [] } == [["a"], ["b"]])
        let plainSAM = Array("Resources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties: {StageName: prod}\n".utf8)
        #expect(!reader.detects(plainSAM, file: "sam.yaml"), "an HTTP API without a JWT authorizer is not this kind's")
        #expect(!reader.detects(Array("kind: SecurityPolicy\n".utf8), file: "p.yaml") && !reader.detects(Array("<policies/>".utf8), file: "p.xml"))
        let openAPI = Array("""
            openapi: 3.0.1
            info: {title: orders}
            components:
              securitySchemes:
                jwt:
                  x-amazon-apigateway-authorizer:
                    type: jwt
                    jwtConfiguration: {issuer: https://idp.example.com}
            """.utf8)
        #expect(Self.error { () throws(DeploymentReadError) in try reader.read(openAPI, file: "o.yaml") }
            .hasPrefix("8:9 JWT authorizer 'jwt' has no jwtConfiguration.audience"), "an OpenAPI import without audience fails as well")
        #expect(reader.detects(openAPI, file: "o.yaml"))
    }

    // MARK: Azure API Management

    static func policy(_ inner: String) -> [UInt8] {
        Array("<policies>\n  <inbound>\n    <base />\n\(inner)\n  </inbound>\n</policies>\n".utf8)
    }

    @Test("APIM: omitted <audiences> leaves the audience unchecked, as the enforcer table says; an empty one is refused")
    func apimOmittedAudience() throws {
        let reader = AzureAPIManagementReader()
        let config = try reader.read(Self.policy("    <validate-jwt header-name=\"Authorization\">\n      <openid-config url=\"https://idp.example.com/.well-known/openid-configuration\" />\n    </validate-jwt>"), file: "p.xml")
        let provider = try #require(config.providers.first)
        #expect(provider.audiences == nil && provider.audienceCaveat == nil && provider.unresolved.isEmpty)
        #expect(reader.facts(for: provider).whenOmitted == .unchecked)
        #expect(Self.at(provider.audiencesLocation) == "4:5")
        #expect(provider.issuer?.value == "https://idp.example.com/.well-known/openid-configuration", "the discovery URL stands for its issuer")
        #expect(Self.at(provider.issuer?.location) == "5:27")
        #expect(Self.error { () throws(DeploymentReadError) in
            try reader.read(Self.policy("    <validate-jwt header-name=\"Authorization\">\n      <audiences>\n      </audiences>\n    </validate-jwt>"), file: "p.xml")
        }.hasPrefix("5:7 validate-jwt[0] has an empty <audiences>"))
        // A required aud claim checks the audience like <audiences>.
        let claim = try reader.read(Self.policy("""
                <validate-jwt header-name="Authorization">
                  <required-claims><claim name="aud" match="any"><value>https://orders.example.com</value></claim></required-claims>
                </validate-jwt>
            """), file: "p.xml")
        #expect(claim.providers.first?.audiences?.map(\.value.text) == ["https://orders.example.com"])
        // validate-azure-ad-token: its own enforcer, the tenant noted instead of compared.
        let entra = try reader.read(Self.policy("    <validate-azure-ad-token tenant-id=\"contoso.onmicrosoft.com\" output-token-variable-name=\"jwt\"><client-application-ids><application-id>c</application-id></client-application-ids></validate-azure-ad-token>"), file: "p.xml")
        let token = try #require(entra.providers.first)
        #expect(token.enforcer == "azure-apim-validate-azure-ad-token" && reader.facts(for: token).whenOmitted == .unchecked)
        #expect(token.isNamed("validate-azure-ad-token[0]") && token.isNamed("jwt") && token.isNamed("contoso.onmicrosoft.com"))
        #expect(token.unresolved.map(\.setting) == ["issuer"] && Self.at(token.unresolved.first?.location) == "4:41")
    }

    @Test("APIM: text and attributes decoded (entities, CDATA), trimmed, each with its own line and column")
    func apimPositions() throws {
        let text = """
            <policies><inbound>
              <validate-jwt header-name="Authorization" output-token-variable-name="t">
                <audiences>
                  <audience>  https://orders.example.com?a=1&amp;b=2 </audience>
                  <audience><![CDATA[api://é<x>]]></audience>
                </audiences>
                <issuers><issuer>https://idp.example.com</issuer><issuer>https://b.example.com</issuer></issuers>
              </validate-jwt>
              <validate-jwt header-name="X-Token"><audiences><audience>{{aud}}</audience></audiences></validate-jwt>
            </inbound></policies>
            """
        let config = try AzureAPIManagementReader().read(Array(text.utf8), file: "p.xml")
        #expect(config.providers.map { $0.name?.value ?? "-" } == ["validate-jwt[0]", "validate-jwt[1]"])
        let first = config.providers[0]
        #expect(first.isNamed("t") && first.isNamed("validate-jwt"))
        #expect(first.audiences?.map(\.value.text) == ["https://orders.example.com?a=1&b=2", "api://é<x>"])
        #expect(first.audiences?.map { Self.at($0.location) } == ["4:19", "5:26"], "CDATA text is at its first character")
        #expect(first.issuer?.value == "https://idp.example.com" && first.extraIssuers.map(\.value) == ["https://b.example.com"])
        #expect(Self.at(first.issuer?.location) == "7:22")
        #expect(config.requirements.isEmpty, "policies outside <choose> always run")
        let second = config.providers[1]
        #expect(second.audiences == nil && second.unresolved.map(\.setting) == ["audiences"] && second.unresolved.first?.placeholder == "{{aud}}")
    }

    @Test("APIM rawxml: unescaped expressions in attributes and text are read, with the file's positions; anything else stays an error")
    func apimRawXML() throws {
        let text = """
            <policies><inbound>
              <validate-jwt header-name="Authorization" output-token-variable-name="@(context.Variables["a"] == "b" ? "x" : "y")">
                <audiences><audience>@(a < b && c > d ? "é" : 'x')</audience><audience>@{ return "}"; }</audience></audiences>
                <issuers><issuer>https://idp.example.com</issuer></issuers>
              </validate-jwt>
            </inbound></policies>
            """
        let config = try AzureAPIManagementReader().read(Array(text.utf8), file: "p.xml")
        let provider = try #require(config.providers.first)
        #expect(provider.isNamed("@(context.Variables[\"a\"] == \"b\" ? \"x\" : \"y\")"))
        #expect(provider.unresolved.map(\.placeholder) == ["@(a < b && c > d ? \"é\" : 'x')"])
        #expect(Self.at(provider.unresolved.first?.location) == "3:26")
        #expect(provider.issuer?.value == "https://idp.example.com" && Self.at(provider.issuer?.location) == "4:22", "positions after an escaped expression are the file's")
        let reader = AzureAPIManagementReader()
        #expect(Self.error { () throws(DeploymentReadError) in
            try reader.read(Array("<policies>\n  <a x=\"@(f(\"b\"/>\n</policies>".utf8), file: "p.xml")
        }.hasPrefix("2:14 not well-formed XML: not well-formed (invalid token)"), "an expression that does not close is not rawxml: the XML error stands")
    }

    @Test("APIM XML: malformed XML, a DOCTYPE (billion laughs), entities and deep nesting are refused with file:line:column")
    func apimRefusals() throws {
        let reader = AzureAPIManagementReader()
        func refused(_ text: String) -> String {
            Self.error { () throws(DeploymentReadError) in try reader.read(Array(text.utf8), file: "p.xml") }
        }
        #expect(refused("<policies>\n  <inbound>\n  </outbound>\n</policies>") == "3:5 not well-formed XML: mismatched tag")
        #expect(refused("<policies><validate-jwt a=\"1\" a=\"2\"/></policies>").hasPrefix("1:31 not well-formed XML: duplicate attribute"))
        #expect(refused("") .hasPrefix("1:1 not well-formed XML"))
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <policies>&lol2;</policies>
            """
        #expect(refused(laughs).hasPrefix("2:1 a DOCTYPE is not accepted"))
        #expect(refused("<!DOCTYPE p SYSTEM \"file:///etc/passwd\"><p/>").hasPrefix("1:1 a DOCTYPE is not accepted"))
        #expect(refused("<policies>&undefined;</policies>").hasPrefix("1:11 not well-formed XML: undefined entity"))
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        #expect(refused(deep).hasPrefix("1:385 XML nested deeper than 128 elements"))
        #expect(!reader.detects(Array("kind: SecurityPolicy\n".utf8), file: "p.yaml"))
        #expect(!reader.detects(Array("<policies><inbound><base/></inbound></policies>".utf8), file: "p.xml"))
    }
}
