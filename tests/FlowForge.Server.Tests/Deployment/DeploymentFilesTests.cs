using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace FlowForge.Server.Tests.Deployment;

// Reads compose.yaml, deploy/nginx.conf and the Dockerfile and checks what they declare. The test
// machines have no container engine, so these files are never run here: this is what keeps them
// in step with the CLI contract (roles, health endpoints, providers, port 8080).
public sealed partial class DeploymentFilesTests
{
    private const string ReadinessPath = "/health/ready";

    private static readonly string Root = FindRepositoryRoot();

    private static readonly string[] FlowForgeServices = ["api-1", "api-2", "worker", "migrate"];

    private static readonly string[] ServingServices = ["api-1", "api-2", "worker"];

    private static readonly string[] AllServices = ["gateway", "api-1", "api-2", "worker", "migrate", "postgres", "rabbitmq", "redis"];

    public static TheoryData<string> ServingServiceNames => new(ServingServices);

    public static TheoryData<string> FlowForgeServiceNames => new(FlowForgeServices);

    [Fact]
    public void Compose_Services_AreAllDeclared()
    {
        var services = ComposeServices();

        foreach (var name in AllServices)
        {
            Assert.True(services.ContainsKey(name), $"compose.yaml has no service '{name}'.");
        }
    }

    [Fact]
    public void Compose_Root_HasNoVersionKey()
    {
        Assert.False(Entries(ComposeRoot()).ContainsKey("version"), "compose.yaml follows the Compose Specification, which has no 'version' key.");
    }

    [Theory]
    [InlineData("api-1", "api")]
    [InlineData("api-2", "api")]
    [InlineData("worker", "worker")]
    public void Compose_ServingService_SelectsItsRole(string service, string role)
    {
        var command = Command(Service(service));

        Assert.Equal("serve", command.FirstOrDefault());
        var at = command.IndexOf("--role");
        var selected = at >= 0 && at + 1 < command.Count ? command[at + 1] : command.FirstOrDefault(a => a.StartsWith("--role=", StringComparison.Ordinal))?["--role=".Length..];
        Assert.True(selected == role, $"compose.yaml: '{service}' runs '{string.Join(' ', command)}', expected '--role {role}'.");
    }

    [Fact]
    public void Compose_Migrate_RunsMigrateOnce()
    {
        var migrate = Service("migrate");

        Assert.Equal("migrate", Assert.Single(Command(migrate)));
        Assert.Equal("no", Scalar(migrate, "restart"));
    }

    [Theory]
    [MemberData(nameof(FlowForgeServiceNames))]
    public void Compose_FlowForgeService_IsBuiltFromTheDockerfile(string service)
    {
        var build = Entries(Service(service)).GetValueOrDefault("build");

        var context = build switch
        {
            YamlScalarNode scalar => scalar.Value,
            YamlMappingNode mapping => Scalar(mapping, "context"),
            _ => null,
        };
        Assert.True(context is not null, $"compose.yaml: '{service}' has no build context.");
        var dockerfile = build is YamlMappingNode withFile ? Scalar(withFile, "dockerfile") ?? "Dockerfile" : "Dockerfile";
        Assert.True(File.Exists(Path.Combine(Root, context, dockerfile)), $"compose.yaml: '{service}' builds from '{context}/{dockerfile}', which does not exist.");
    }

    [Fact]
    public void Compose_Worker_HasAtLeastTwoReplicas()
    {
        var replicas = Scalar(Mapping(Service("worker"), "deploy"), "replicas");

        Assert.True(int.TryParse(replicas, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count >= 2,
            $"compose.yaml: worker deploy.replicas is '{replicas}', expected 2 or more.");
    }

    [Theory]
    [MemberData(nameof(ServingServiceNames))]
    public void Compose_ServingService_ChecksReadinessWithTheBinary(string service)
    {
        var healthcheck = Mapping(Service(service), "healthcheck");
        var test = string.Join(' ', Strings(Entries(healthcheck).GetValueOrDefault("test")));

        Assert.NotEqual("true", Scalar(healthcheck, "disable"));
        Assert.Contains("flowforge health", test, StringComparison.Ordinal);
        Assert.Contains(ReadinessPath, test, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ServingServiceNames))]
    public void Compose_ServingService_WaitsForBackingServicesAndMigration(string service)
    {
        var dependsOn = Mapping(Service(service), "depends_on");

        Assert.Equal("service_healthy", DependencyCondition(dependsOn, "postgres"));
        Assert.Equal("service_healthy", DependencyCondition(dependsOn, "rabbitmq"));
        Assert.Equal("service_healthy", DependencyCondition(dependsOn, "redis"));
        Assert.Equal("service_completed_successfully", DependencyCondition(dependsOn, "migrate"));
    }

    [Fact]
    public void Compose_Migrate_WaitsForAHealthyDatabase()
    {
        Assert.Equal("service_healthy", DependencyCondition(Mapping(Service("migrate"), "depends_on"), "postgres"));
    }

    [Theory]
    [InlineData("postgres", "pg_isready")]
    [InlineData("rabbitmq", "rabbitmq-diagnostics -q ping")]
    [InlineData("redis", "redis-cli ping")]
    public void Compose_BackingService_DeclaresTheHealthcheckOthersWaitFor(string service, string probe)
    {
        var test = string.Join(' ', Strings(Entries(Mapping(Service(service), "healthcheck")).GetValueOrDefault("test")));

        Assert.Contains(probe, test, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_Gateway_PublishesNginxPortAndWaitsForHealthyApis()
    {
        var gateway = Service("gateway");
        var listen = int.Parse(NginxListenPort().Groups["port"].Value, CultureInfo.InvariantCulture);

        var targets = Sequence(gateway, "ports").Select(PortTarget).ToList();
        Assert.True(targets.Contains(listen), $"compose.yaml: gateway publishes no port onto nginx's 'listen {listen}'.");
        var dependsOn = Mapping(gateway, "depends_on");
        Assert.Equal("service_healthy", DependencyCondition(dependsOn, "api-1"));
        Assert.Equal("service_healthy", DependencyCondition(dependsOn, "api-2"));
    }

    [Fact]
    public void Compose_Gateway_MountsNginxConf()
    {
        var mounts = Sequence(Service("gateway"), "volumes").Select(VolumeMount).ToList();

        Assert.Contains(mounts, m =>
            m.Target == "/etc/nginx/nginx.conf"
            && Path.GetFullPath(Path.Combine(Root, m.Source)) == Path.Combine(Root, "deploy", "nginx.conf"));
    }

    [Theory]
    [MemberData(nameof(FlowForgeServiceNames))]
    public void Compose_FlowForgeService_StoresInPostgres(string service)
    {
        var environment = ServiceEnvironment(service);

        Assert.Equal("postgres", environment.GetValueOrDefault("FLOWFORGE_Storage__Provider"));
        Assert.Equal("postgres", ServiceHost(KeyValueHost(environment.GetValueOrDefault("FLOWFORGE_Storage__ConnectionString"), "Host", "Server")));
    }

    [Theory]
    [MemberData(nameof(ServingServiceNames))]
    public void Compose_ServingService_QueuesOnRabbitMqAndCachesInRedis(string service)
    {
        var environment = ServiceEnvironment(service);

        Assert.Equal("rabbitmq", environment.GetValueOrDefault("FLOWFORGE_Queue__Provider"));
        var queue = environment.GetValueOrDefault("FLOWFORGE_Queue__ConnectionString");
        Assert.True(Uri.TryCreate(queue, UriKind.Absolute, out var queueUri) && queueUri.Scheme is "amqp" or "amqps",
            $"compose.yaml: '{service}' FLOWFORGE_Queue__ConnectionString '{queue}' is not an amqp:// URI.");
        Assert.Equal("rabbitmq", ServiceHost(queueUri.Host));

        Assert.Equal("redis", environment.GetValueOrDefault("FLOWFORGE_Cache__Provider"));
        var cache = environment.GetValueOrDefault("FLOWFORGE_Cache__ConnectionString") ?? "";
        var endpoint = cache.Split(',').Select(p => p.Trim()).FirstOrDefault(p => p.Length > 0 && !p.Contains('=', StringComparison.Ordinal)) ?? "";
        Assert.Equal("redis", ServiceHost(endpoint.Split(':')[0]));
    }

    [Fact]
    public void Compose_Passwords_HaveNoDefaults()
    {
        var compose = File.ReadAllText(Path.Combine(Root, "compose.yaml"));

        var defaults = PasswordDefault().Matches(compose).Select(m => m.Value).ToList();
        Assert.True(defaults.Count == 0, $"compose.yaml gives passwords default values: {string.Join(", ", defaults)}.");
        foreach (var variable in new[] { "POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "REDIS_PASSWORD" })
        {
            Assert.Contains("${" + variable + ":?", compose, StringComparison.Ordinal);
        }

        foreach (var (service, key) in new[] { ("postgres", "POSTGRES_PASSWORD"), ("rabbitmq", "RABBITMQ_DEFAULT_PASS"), ("redis", "REDISCLI_AUTH") })
        {
            var value = RawServiceEnvironment(service).GetValueOrDefault(key) ?? "";
            Assert.True(RequiredVariable().IsMatch(value), $"compose.yaml: '{service}' {key} is '{value}', not a required variable (${{NAME:?message}}).");
        }
    }

    [Fact]
    public void Compose_Redis_RequiresAPasswordThatFlowForgeSends()
    {
        var command = Command(Service("redis"));

        var at = command.IndexOf("--requirepass");
        Assert.True(at >= 0 && at + 1 < command.Count && RequiredVariable().IsMatch(command[at + 1]),
            $"compose.yaml: redis runs '{string.Join(' ', command)}', without '--requirepass ${{REDIS_PASSWORD:?…}}'.");
        foreach (var service in ServingServices)
        {
            var cache = RawServiceEnvironment(service).GetValueOrDefault("FLOWFORGE_Cache__ConnectionString") ?? "";
            Assert.Contains("password=${REDIS_PASSWORD:?", cache, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(ServingServiceNames))]
    public void Compose_ServingService_ServesMetricsOnAnUnpublishedManagementPort(string service)
    {
        var urls = ServiceEnvironment(service).GetValueOrDefault("FLOWFORGE_Server__ManagementUrls");

        Assert.False(string.IsNullOrWhiteSpace(urls), $"compose.yaml: '{service}' sets no FLOWFORGE_Server__ManagementUrls, so /metrics is on port 8080.");
        var ports = new FlowForge.Server.Hosting.ServerOptions { ManagementUrls = urls }.ManagementAddresses().Select(a => a.Port).ToList();
        Assert.DoesNotContain(8080, ports);
        Assert.False(Entries(Service(service)).ContainsKey("ports"), $"compose.yaml: '{service}' publishes ports; only the gateway may.");
        var upstreamPorts = ServerDirective().Matches(UpstreamBlock().Match(NginxConf()).Groups["body"].Value)
            .Select(m => Regex.Match(m.Value, @":(\d+)").Groups[1].Value).ToList();
        Assert.All(upstreamPorts, p => Assert.DoesNotContain(int.Parse(p, CultureInfo.InvariantCulture), ports));
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/METRICS")]
    [InlineData("/Metrics")]
    [InlineData("/metrics/")]
    [InlineData("//metrics")]
    [InlineData("///metrics/x")]
    [InlineData("/%6detrics")]
    [InlineData("/%6D%65trics")]
    [InlineData("/metrics?format=prometheus")]
    [InlineData("/./metrics")]
    [InlineData("/api/../metrics")]
    public void NginxConf_Metrics_AnsweredByTheGatewayItselfWithAnySpelling(string spelling)
    {
        var path = NginxNormalise(spelling);

        var blocked = MetricsLocations().Matches(NginxConf())
            .Where(m => m.Groups["body"].Value.Contains("return 404", StringComparison.Ordinal))
            .Any(m => m.Groups["modifier"].Value switch
            {
                "~*" => Regex.IsMatch(path, m.Groups["pattern"].Value, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
                "~" => Regex.IsMatch(path, m.Groups["pattern"].Value),
                "=" => path == m.Groups["pattern"].Value,
                _ => false,
            });
        Assert.True(blocked, $"deploy/nginx.conf: '{spelling}' (matched as '{path}') reaches the api through the gateway.");
    }

    [Theory]
    [InlineData("/api/flows")]
    [InlineData("/health/ready")]
    [InlineData("/metricsboard")]
    public void NginxConf_MetricsLocation_LeavesOtherPathsToTheApi(string path)
    {
        var blocked = MetricsLocations().Matches(NginxConf())
            .Any(m => m.Groups["modifier"].Value == "~*" && Regex.IsMatch(path, m.Groups["pattern"].Value, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));

        Assert.False(blocked, $"deploy/nginx.conf answers '{path}' itself.");
    }

    [Fact]
    public void NginxConf_Upstream_BalancesBothApiServicesByLeastConnections()
    {
        var conf = NginxConf();
        var upstream = UpstreamBlock().Match(conf);
        Assert.True(upstream.Success, "deploy/nginx.conf has no upstream block.");
        var body = upstream.Groups["body"].Value;

        var servers = ServerDirective().Matches(body).Select(m => m.Groups["host"].Value).ToList();
        Assert.Contains("api-1", servers);
        Assert.Contains("api-2", servers);
        Assert.Matches(@"(?m)^\s*least_conn\s*;", body);
        Assert.Contains($"proxy_pass http://{upstream.Groups["name"].Value};", conf, StringComparison.Ordinal);
    }

    [Fact]
    public void NginxConf_Proxy_PassesTraceContextAndWebSocketUpgrade()
    {
        var conf = NginxConf();

        Assert.Matches(@"proxy_set_header\s+traceparent\s+\$http_traceparent\s*;", conf);
        Assert.Matches(@"proxy_set_header\s+Upgrade\s+\$http_upgrade\s*;", conf);
        Assert.Matches(@"proxy_set_header\s+Connection\s+\$\w+\s*;", conf);
        Assert.Matches(@"proxy_http_version\s+1\.1\s*;", conf);
    }

    [Fact]
    public void NginxConf_Proxy_WaitsLongerThanTheDefaultForPreferWait()
    {
        var timeout = Regex.Match(NginxConf(), @"proxy_read_timeout\s+(?<seconds>\d+)s?\s*;");

        Assert.True(timeout.Success && int.Parse(timeout.Groups["seconds"].Value, CultureInfo.InvariantCulture) > 60,
            "deploy/nginx.conf: proxy_read_timeout must exceed nginx's 60 s default so 'Prefer: wait' and WebSockets stay open.");
    }

    [Fact]
    public void NginxConf_LogFormat_KeepsTheHubQueryStringOutOfTheLog()
    {
        var conf = NginxConf();
        var formats = Regex.Matches(conf, @"log_format\s+\S+\s+(?<body>[^;]+);");

        Assert.NotEmpty(formats);
        foreach (var variable in formats.SelectMany(f => Regex.Matches(f.Groups["body"].Value, @"\$\{?(?<name>\w+)")).Select(m => m.Groups["name"].Value))
        {
            Assert.False(CarriesQuery(variable), $"deploy/nginx.conf: log_format logs ${variable}, which carries the hub's access_token.");
            var map = Regex.Match(conf, $@"map\s+\$(?<source>\w+)\s+\${variable}\s*\{{(?<body>[^}}]*)\}}");
            if (map.Success && CarriesQuery(map.Groups["source"].Value))
            {
                var hubs = Regex.Match(map.Groups["body"].Value, @"(?m)^\s*~\^?/hubs/\S*\s+(?<value>[^;]+);");
                Assert.True(hubs.Success, $"deploy/nginx.conf: map to ${variable} passes the query string through for /hubs/.");
                Assert.DoesNotMatch(@"\$(request\b|request_uri|args|query_string|arg_)", hubs.Groups["value"].Value);
            }
        }
    }

    [Theory]
    [InlineData("api-1")]
    [InlineData("api-2")]
    public void Compose_ApiService_SharesARequiredKeyRingSecretAndCountsClientsBehindTheGateway(string service)
    {
        var raw = Entries((YamlMappingNode)Entries(Service(service))["environment"]).ToDictionary(e => e.Key, e => ((YamlScalarNode)e.Value).Value ?? "", StringComparer.Ordinal);

        Assert.Matches(@"^\$\{\w+:\?[^}]+\}$", raw.GetValueOrDefault("FLOWFORGE_Auth__KeyRingSecret") ?? "");
        Assert.Equal("true", raw.GetValueOrDefault("FLOWFORGE_RateLimits__TrustForwardedFor"));
    }

    [Fact]
    public void Dockerfile_BuildStage_PublishesTheServer()
    {
        var instructions = DockerfileStages().SelectMany(s => s).ToList();

        Assert.Contains(instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish src/FlowForge.Server", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_WebStage_BuildsTheWebAppThatTheFinalStageServesFromWwwroot()
    {
        var stages = DockerfileStages();
        var web = stages.FirstOrDefault(s => s.Any(i => i.Keyword == "RUN" && i.Arguments.Contains("npm run build", StringComparison.Ordinal)));

        Assert.True(web is not null, "Dockerfile: no stage runs 'npm run build', so the image serves no pages.");
        Assert.Contains(web, i => i.Keyword == "RUN" && i.Arguments.StartsWith("npm ci", StringComparison.Ordinal));
        var from = web[0].Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(from.Length >= 3 && from[^2].Equals("AS", StringComparison.OrdinalIgnoreCase), $"Dockerfile: the web stage '{web[0].Arguments}' has no name to copy from.");
        // wwwroot beside the binary (WORKDIR /app) is where the server looks when Web:Root is not set.
        Assert.Contains(FinalStage(), i => i.Keyword == "COPY"
            && i.Arguments.StartsWith($"--from={from[^1]} ", StringComparison.Ordinal)
            && i.Arguments.TrimEnd('/').EndsWith(" ./wwwroot", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_FinalStage_RunsAsNumericNonRootUser()
    {
        var user = FinalStage().LastOrDefault(i => i.Keyword == "USER")?.Arguments;

        Assert.True(user is not null, "Dockerfile: the final stage sets no USER, so it runs as root.");
        var uid = user.Split(':')[0];
        Assert.True(int.TryParse(uid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id != 0,
            $"Dockerfile: USER '{user}' must be a numeric non-root UID so orchestrators can verify it.");
    }

    [Fact]
    public void Dockerfile_FinalStage_ExposesAndListensOn8080()
    {
        var final = FinalStage();

        Assert.Contains(final, i => i.Keyword == "EXPOSE" && i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(p => p.Split('/')[0] == "8080"));
        Assert.Contains(final, i => i.Keyword == "ENV" && Regex.IsMatch(i.Arguments, @"\bFLOWFORGE_urls=http://0\.0\.0\.0:8080\b"));
    }

    [Fact]
    public void Dockerfile_FinalStage_HealthcheckCallsReadiness()
    {
        var healthcheck = FinalStage().LastOrDefault(i => i.Keyword == "HEALTHCHECK")?.Arguments;

        Assert.True(healthcheck is not null, "Dockerfile: the final stage has no HEALTHCHECK.");
        Assert.Contains(" CMD ", $" {healthcheck} ", StringComparison.Ordinal);
        Assert.Contains("flowforge", healthcheck, StringComparison.Ordinal);
        Assert.Contains(":8080" + ReadinessPath, healthcheck, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_FinalStage_EntrypointIsTheFlowForgeBinary()
    {
        var entrypoint = FinalStage().LastOrDefault(i => i.Keyword == "ENTRYPOINT")?.Arguments;

        Assert.True(entrypoint is not null && entrypoint.StartsWith('['), "Dockerfile: the final stage needs an exec-form ENTRYPOINT.");
        var exec = JsonSerializer.Deserialize<string[]>(entrypoint)!;
        Assert.Equal("/app/flowforge", exec[0]);
        Assert.Contains(FinalStage(), i => i.Keyword == "WORKDIR" && i.Arguments == "/app");
    }

    // compose.yaml

    private static YamlMappingNode ComposeRoot()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Root, "compose.yaml")))
        {
            stream.Load(reader);
        }

        return Assert.IsType<YamlMappingNode>(stream.Documents[0].RootNode);
    }

    private static Dictionary<string, YamlNode> ComposeServices() =>
        Entries(Mapping(ComposeRoot(), "services"));

    private static YamlMappingNode Service(string name)
    {
        Assert.True(ComposeServices().TryGetValue(name, out var node), $"compose.yaml has no service '{name}'.");
        return Assert.IsType<YamlMappingNode>(node);
    }

    // A mapping's keys with YAML merge keys (`<<: *anchor`) applied; the mapping's own keys win.
    private static Dictionary<string, YamlNode> Entries(YamlMappingNode mapping)
    {
        var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var merged = new List<YamlMappingNode>();
        foreach (var (key, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (name != "<<")
            {
                entries[name] = value;
            }
            else if (value is YamlMappingNode single)
            {
                merged.Add(single);
            }
            else if (value is YamlSequenceNode many)
            {
                merged.AddRange(many.Children.Cast<YamlMappingNode>());
            }
        }

        foreach (var source in merged)
        {
            foreach (var (name, value) in Entries(source))
            {
                entries.TryAdd(name, value);
            }
        }

        return entries;
    }

    private static YamlMappingNode Mapping(YamlMappingNode parent, string key)
    {
        Assert.True(Entries(parent).TryGetValue(key, out var node), $"compose.yaml: '{key}' is missing at line {parent.Start.Line}.");
        return Assert.IsType<YamlMappingNode>(node);
    }

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode parent, string key)
    {
        Assert.True(Entries(parent).TryGetValue(key, out var node), $"compose.yaml: '{key}' is missing at line {parent.Start.Line}.");
        return Assert.IsType<YamlSequenceNode>(node).Children;
    }

    private static string? Scalar(YamlMappingNode parent, string key) =>
        (Entries(parent).GetValueOrDefault(key) as YamlScalarNode)?.Value;

    // A command or healthcheck test in either form: a list, or one string split on spaces.
    private static List<string> Strings(YamlNode? node) => node switch
    {
        YamlSequenceNode sequence => [.. sequence.Children.Select(c => ((YamlScalarNode)c).Value ?? "")],
        YamlScalarNode scalar => [.. (scalar.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)],
        _ => [],
    };

    private static List<string> Command(YamlMappingNode service) => Strings(Entries(service).GetValueOrDefault("command"));

    private static string? DependencyCondition(YamlMappingNode dependsOn, string dependency)
    {
        Assert.True(Entries(dependsOn).TryGetValue(dependency, out var node), $"compose.yaml: depends_on at line {dependsOn.Start.Line} lacks '{dependency}'.");
        return node is YamlMappingNode mapping ? Scalar(mapping, "condition") : null;
    }

    // The service's environment with Compose's `${VAR:-default}` interpolated as if no variable were set.
    private static Dictionary<string, string> ServiceEnvironment(string service)
    {
        var node = Entries(Service(service)).GetValueOrDefault("environment");
        var pairs = node switch
        {
            YamlMappingNode mapping => Entries(mapping).Select(e => (e.Key, Value: (e.Value as YamlScalarNode)?.Value ?? "")),
            YamlSequenceNode sequence => sequence.Children.Select(c => ((YamlScalarNode)c).Value!.Split('=', 2)).Select(p => (Key: p[0], Value: p.Length > 1 ? p[1] : "")),
            _ => [],
        };
        return pairs.ToDictionary(p => p.Key, p => ComposeVariable().Replace(p.Value, m => m.Groups["default"].Value), StringComparer.Ordinal);
    }

    // The service's environment as written, `${…}` left alone.
    private static Dictionary<string, string> RawServiceEnvironment(string service)
    {
        var node = Entries(Service(service)).GetValueOrDefault("environment");
        return node is YamlMappingNode mapping
            ? Entries(mapping).ToDictionary(e => e.Key, e => (e.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
    }

    // What nginx matches locations against: the path without the query, percent-decoded, slashes merged, dot segments resolved.
    private static string NginxNormalise(string requestTarget)
    {
        var path = Uri.UnescapeDataString(requestTarget.Split('?')[0]);
        path = Regex.Replace(path, "/{2,}", "/");
        var segments = new List<string>();
        foreach (var segment in path.Split('/').Skip(1))
        {
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }

        return "/" + string.Join('/', segments);
    }

    // The host named by a `Key=Value;…` connection string (PostgreSQL, MySQL).
    private static string? KeyValueHost(string? connectionString, params string[] hostKeys) =>
        (connectionString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && hostKeys.Contains(pair[0].Trim(), StringComparer.OrdinalIgnoreCase))
            .Select(pair => pair[1].Trim().Split(':', ',')[0])
            .FirstOrDefault();

    // Asserts the host is a service of compose.yaml, so the address resolves on the compose network.
    private static string? ServiceHost(string? host)
    {
        Assert.True(host is not null && ComposeServices().ContainsKey(host), $"compose.yaml: connection host '{host}' is not one of its services.");
        return host;
    }

    private static int PortTarget(YamlNode port) => port switch
    {
        YamlMappingNode mapping => int.Parse(Scalar(mapping, "target")!, CultureInfo.InvariantCulture),
        YamlScalarNode scalar => int.Parse(scalar.Value!.Split('/')[0].Split(':')[^1], CultureInfo.InvariantCulture),
        _ => -1,
    };

    private static (string Source, string Target) VolumeMount(YamlNode volume) => volume switch
    {
        YamlMappingNode mapping => (Scalar(mapping, "source") ?? "", Scalar(mapping, "target") ?? ""),
        YamlScalarNode scalar when scalar.Value!.Split(':') is [var source, var target, ..] => (source, target),
        _ => ("", ""),
    };

    // deploy/nginx.conf

    private static bool CarriesQuery(string variable) =>
        variable is "request" or "request_uri" or "args" or "query_string" || variable.StartsWith("arg_", StringComparison.Ordinal);

    private static string NginxConf() => File.ReadAllText(Path.Combine(Root, "deploy", "nginx.conf"));

    private static Match NginxListenPort()
    {
        var listen = Regex.Match(NginxConf(), @"(?m)^\s*listen\s+(?:[\d.]+:)?(?<port>\d+)\b");
        Assert.True(listen.Success, "deploy/nginx.conf has no 'listen' directive.");
        return listen;
    }

    // Dockerfile

    private sealed record Instruction(string Keyword, string Arguments);

    // The Dockerfile's instructions grouped by stage, continuation lines joined and comments dropped.
    private static List<List<Instruction>> DockerfileStages()
    {
        var stages = new List<List<Instruction>>();
        var logical = new List<string>();
        var pending = "";
        foreach (var raw in File.ReadLines(Path.Combine(Root, "Dockerfile")))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            logical.Add((pending + line).Trim());
            pending = "";
        }

        foreach (var line in logical.Where(l => l.Length > 0))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var instruction = new Instruction(keyword, space < 0 ? "" : line[(space + 1)..].Trim());
            if (keyword == "FROM")
            {
                stages.Add([]);
            }

            Assert.True(stages.Count > 0, $"Dockerfile: '{line}' comes before the first FROM.");
            stages[^1].Add(instruction);
        }

        return stages;
    }

    private static List<Instruction> FinalStage()
    {
        var stages = DockerfileStages();
        Assert.NotEmpty(stages);
        return stages[^1];
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FlowForge.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FlowForge.slnx above {AppContext.BaseDirectory}; the deployment tests read the repository's files.");
    }

    [GeneratedRegex(@"\$\{\w+(?::?[-?](?<default>[^}]*))?\}")]
    private static partial Regex ComposeVariable();

    [GeneratedRegex(@"\$\{\w*PASS\w*:?[-=+]")]
    private static partial Regex PasswordDefault();

    [GeneratedRegex(@"^\$\{\w+:\?[^}]*\}$")]
    private static partial Regex RequiredVariable();

    // `location [modifier] pattern { body }` blocks that mention metrics.
    [GeneratedRegex(@"location\s+(?<modifier>~\*|~|=|\^~)?\s*(?<pattern>\S*metrics\S*)\s*\{(?<body>[^}]*)\}", RegexOptions.IgnoreCase)]
    private static partial Regex MetricsLocations();

    [GeneratedRegex(@"upstream\s+(?<name>[\w-]+)\s*\{(?<body>[^}]*)\}")]
    private static partial Regex UpstreamBlock();

    [GeneratedRegex(@"(?m)^\s*server\s+(?<host>[\w.-]+)(?::\d+)?[\s;]")]
    private static partial Regex ServerDirective();
}
