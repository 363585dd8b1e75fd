using System;
using System.Net;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Dashboard.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "ingest_batch_seq");

            migrationBuilder.CreateTable(
                name: "access_host_minute",
                columns: table => new
                {
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    minute = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    bytes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_access_host_minute", x => new { x.host_id, x.minute });
                });

            migrationBuilder.CreateTable(
                name: "access_hour",
                columns: table => new
                {
                    peak_minute = table.Column<long>(type: "bigint", nullable: false),
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    hour = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    client_ip = table.Column<IPAddress>(type: "inet", nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    bytes = table.Column<long>(type: "bigint", nullable: false),
                    status4xx = table.Column<long>(type: "bigint", nullable: false),
                    status5xx = table.Column<long>(type: "bigint", nullable: false),
                    head = table.Column<long>(type: "bigint", nullable: false),
                    status206 = table.Column<long>(type: "bigint", nullable: false),
                    first_seen = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_seen = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                });

            migrationBuilder.CreateTable(
                name: "access_hour_leaders",
                columns: table => new
                {
                    hour = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    client_ips = table.Column<IPAddress[]>(type: "inet[]", nullable: false),
                    requests = table.Column<long[]>(type: "bigint[]", nullable: false),
                    floor = table.Column<long>(type: "bigint", nullable: false),
                    total = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_access_hour_leaders", x => new { x.hour, x.host_id });
                });

            migrationBuilder.CreateTable(
                name: "access_minute",
                columns: table => new
                {
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    minute = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    client_ip = table.Column<IPAddress>(type: "inet", nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    bytes = table.Column<long>(type: "bigint", nullable: false),
                    status4xx = table.Column<long>(type: "bigint", nullable: false),
                    status5xx = table.Column<long>(type: "bigint", nullable: false),
                    head = table.Column<long>(type: "bigint", nullable: false),
                    status206 = table.Column<long>(type: "bigint", nullable: false),
                    first_seen = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_seen = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "hosts",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    time_zone = table.Column<string>(type: "text", nullable: false),
                    log_format = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hosts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "operators",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_operators", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "api_tokens",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    kind = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    host_id = table.Column<int>(type: "integer", nullable: true),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_tokens_hosts_host_id",
                        column: x => x.host_id,
                        principalTable: "hosts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "host_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    pid = table.Column<int>(type: "integer", nullable: true),
                    process = table.Column<string>(type: "text", nullable: true),
                    score = table.Column<int>(type: "integer", nullable: true),
                    total_vm_kb = table.Column<long>(type: "bigint", nullable: true),
                    anon_rss_kb = table.Column<long>(type: "bigint", nullable: true),
                    message = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_host_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_host_events_hosts_host_id",
                        column: x => x.host_id,
                        principalTable: "hosts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ingest_batches",
                columns: table => new
                {
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    response = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ingest_batches", x => new { x.host_id, x.idempotency_key });
                    table.ForeignKey(
                        name: "fk_ingest_batches_hosts_host_id",
                        column: x => x.host_id,
                        principalTable: "hosts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "memory_samples",
                columns: table => new
                {
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    mem_total_kb = table.Column<long>(type: "bigint", nullable: true),
                    mem_available_kb = table.Column<long>(type: "bigint", nullable: true),
                    mem_free_kb = table.Column<long>(type: "bigint", nullable: true),
                    cached_kb = table.Column<long>(type: "bigint", nullable: true),
                    swap_total_kb = table.Column<long>(type: "bigint", nullable: true),
                    swap_free_kb = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_memory_samples", x => new { x.host_id, x.time });
                    table.ForeignKey(
                        name: "fk_memory_samples_hosts_host_id",
                        column: x => x.host_id,
                        principalTable: "hosts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "rejected_lines",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    batch_no = table.Column<long>(type: "bigint", nullable: false),
                    received_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    stream = table.Column<string>(type: "text", nullable: false),
                    line_number = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    line = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rejected_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_rejected_lines_hosts_host_id",
                        column: x => x.host_id,
                        principalTable: "hosts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_access_host_minute_minute",
                table: "access_host_minute",
                column: "minute");

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_host_id",
                table: "api_tokens",
                column: "host_id");

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_kind_name",
                table: "api_tokens",
                columns: new[] { "kind", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_token_hash",
                table: "api_tokens",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_host_events_host_id_time",
                table: "host_events",
                columns: new[] { "host_id", "time" });

            migrationBuilder.CreateIndex(
                name: "ix_host_events_time",
                table: "host_events",
                column: "time");

            migrationBuilder.CreateIndex(
                name: "ix_hosts_name",
                table: "hosts",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ingest_batches_created_at",
                table: "ingest_batches",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_memory_samples_time",
                table: "memory_samples",
                column: "time");

            migrationBuilder.CreateIndex(
                name: "ix_operators_name",
                table: "operators",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_rejected_lines_host_id_received_at",
                table: "rejected_lines",
                columns: new[] { "host_id", "received_at" });

            // Every rollup row costs each of its btrees on every upsert, so each table has one. Rankings
            // read hours by time; one IP's series reads minutes by address, and the minutes at a range's
            // edges come through a BRIN on minute (rows arrive in time order, so its blocks stay tight).
            migrationBuilder.Sql("""
                ALTER TABLE access_minute ADD PRIMARY KEY (client_ip, minute, host_id);
                CREATE INDEX ix_access_minute_minute ON access_minute USING brin (minute) WITH (pages_per_range = 16);
                ALTER TABLE access_hour ADD PRIMARY KEY (hour, host_id, client_ip);
                -- Batch after batch updates the same hour and host rows: room on their page keeps the
                -- new version there (a HOT update), with no index entry to write.
                ALTER TABLE access_hour SET (fillfactor = 80);
                ALTER TABLE access_host_minute SET (fillfactor = 80);

                CREATE TABLE access_log (
                    host_id integer NOT NULL,
                    time timestamptz NOT NULL,
                    id bigint NOT NULL,
                    client_ip inet NOT NULL,
                    remote_user text,
                    method text,
                    path text,
                    protocol text,
                    status smallint,
                    bytes bigint,
                    referer text,
                    user_agent text,
                    response_time_us bigint,
                    vhost text,
                    extra jsonb
                ) PARTITION BY RANGE (time);
                -- The only index: one IP's requests, newest first (the drill-down). Charts read rollups.
                CREATE INDEX ix_access_log_client_ip_time ON access_log (client_ip, time);
                CREATE TABLE access_log_default PARTITION OF access_log DEFAULT;

                CREATE TABLE syslog_lines (
                    host_id integer NOT NULL,
                    time timestamptz NOT NULL,
                    id bigint NOT NULL,
                    hostname text,
                    program text,
                    pid integer,
                    facility smallint,
                    severity smallint,
                    message text NOT NULL
                ) PARTITION BY RANGE (time);
                CREATE INDEX ix_syslog_lines_host_id_time ON syslog_lines (host_id, time);
                CREATE TABLE syslog_lines_default PARTITION OF syslog_lines DEFAULT;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS access_log, syslog_lines;");

            migrationBuilder.DropTable(
                name: "access_host_minute");

            migrationBuilder.DropTable(
                name: "access_hour");

            migrationBuilder.DropTable(
                name: "access_hour_leaders");

            migrationBuilder.DropTable(
                name: "access_minute");

            migrationBuilder.DropTable(
                name: "api_tokens");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "host_events");

            migrationBuilder.DropTable(
                name: "ingest_batches");

            migrationBuilder.DropTable(
                name: "memory_samples");

            migrationBuilder.DropTable(
                name: "operators");

            migrationBuilder.DropTable(
                name: "rejected_lines");

            migrationBuilder.DropTable(
                name: "hosts");

            migrationBuilder.DropSequence(
                name: "ingest_batch_seq");
        }
    }
}
