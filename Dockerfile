# syntax=docker/dockerfile:1
# One image for every FlowForge role: `serve --role api|worker|all`, `migrate`, `health`.

# Only the project files, so the restore layer below stays cached until a dependency changes.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS projects
WORKDIR /src
COPY src/ src/
RUN find src -type f ! -name '*.csproj' -delete && find src -type d -empty -delete

# The web app, built once and served by the api role from wwwroot beside the binary.
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
RUN npm run build

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /src
# .editorconfig carries the analyzer settings that the warnings-as-errors build depends on.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY --from=projects /src/src/ src/
RUN dotnet restore src/FlowForge.Server/FlowForge.Server.csproj
COPY src/ src/
RUN dotnet publish src/FlowForge.Server -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app/ ./
COPY --from=web /web/dist/ ./wwwroot/
# 1654 is the image's own non-root `app` user; numeric so orchestrators can verify runAsNonRoot.
RUN mkdir -p /data && chown 1654:1654 /data
VOLUME /data
USER 1654
ENV FLOWFORGE_urls=http://0.0.0.0:8080 \
    FLOWFORGE_Storage__DataDirectory=/data
EXPOSE 8080
# The runtime image has no curl: the binary checks itself.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/app/flowforge", "health", "--url", "http://127.0.0.1:8080/health/ready"]
ENTRYPOINT ["/app/flowforge"]
CMD ["serve"]
