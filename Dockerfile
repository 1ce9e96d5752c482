# The Grid silo image. Build from the repository root:
#   docker build -t grid-silo:0.1.0 .
#   podman build --isolation=chroot -t grid-silo:0.1.0 .    # daemonless, where containers cannot run RUN steps
# tests/Grid.Deploy.Tests/Image checks that everything the silo's build reads is copied before the step that reads it.
# Ports: 11111 silo-to-silo, 30000 client gateway, 8080 admin (/health/live, /health/ready; /admin/* with the admin token),
# 6379 the Redis protocol endpoint when Grid__Resp__Enabled=true.
# Configuration comes from environment variables (Grid__*), see deploy/k8s/silo-config.yaml.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so the layer is reused while only sources change.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Directory.Build.props src/Directory.Build.targets src/
COPY src/Abstractions/Grid.Abstractions.csproj src/Abstractions/
COPY src/Client/Grid.Client.csproj src/Client/
COPY src/Grains/Grid.Grains.csproj src/Grains/
COPY src/Resp/Grid.Resp.csproj src/Resp/
COPY src/Silo/Grid.Silo.csproj src/Silo/
RUN dotnet restore src/Silo/Grid.Silo.csproj
COPY src/Abstractions/ src/Abstractions/
COPY src/Shared/ src/Shared/
COPY src/Protocol/ src/Protocol/
COPY src/Client/ src/Client/
COPY src/Grains/ src/Grains/
COPY src/Resp/ src/Resp/
COPY src/Silo/ src/Silo/
RUN dotnet publish src/Silo/Grid.Silo.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Listen on every interface inside the pod; the advertised address is the pod IP (Grid__Clustering__AdvertisedAddress).
ENV Grid__Admin__Address=0.0.0.0 \
    Grid__Admin__Port=8080
EXPOSE 11111 30000 8080 6379
# The non-root user the .NET images provide.
USER $APP_UID
ENTRYPOINT ["dotnet", "Grid.Silo.dll"]
