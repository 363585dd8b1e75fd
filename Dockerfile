# The dashboard server. docker-compose.yml runs it beside PostgreSQL.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The client's build restores its browser libraries with npm ci (src/Client/package-lock.json).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/Server -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The image's unprivileged account (UID 1654).
USER app
ENV Urls=http://+:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["dotnet", "Server.dll", "health"]
ENTRYPOINT ["dotnet", "Server.dll"]
