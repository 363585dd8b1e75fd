using System;
using System.Net;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Dashboard.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class Detection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "no_agent",
                table: "access_minute",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "no_agent",
                table: "access_hour",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "access_shape_minute",
                columns: table => new
                {
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    shape = table.Column<short>(type: "smallint", nullable: false),
                    client_ip = table.Column<IPAddress>(type: "inet", nullable: false),
                    minute = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                });

            // EF cannot key on an inet column.
            migrationBuilder.Sql("ALTER TABLE access_shape_minute ADD CONSTRAINT pk_access_shape_minute PRIMARY KEY (host_id, shape, client_ip, minute)");

            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    rule = table.Column<string>(type: "text", nullable: false),
                    ip = table.Column<IPAddress>(type: "inet", nullable: true),
                    shape = table.Column<short>(type: "smallint", nullable: true),
                    fingerprint = table.Column<string>(type: "text", nullable: false),
                    severity = table.Column<string>(type: "text", nullable: false),
                    starts_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_held_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    summary = table.Column<string>(type: "text", nullable: false),
                    evidence = table.Column<string>(type: "jsonb", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alerts", x => x.id);
                    table.ForeignKey(
                        name: "fk_alerts_hosts_host_id",
                        column: x => x.host_id,
                        principalTable: "hosts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "detection_queue",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    from_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    to_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_detection_queue", x => x.id);
                    table.ForeignKey(
                        name: "fk_detection_queue_hosts_host_id",
                        column: x => x.host_id,
                        principalTable: "hosts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "silences",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    host_id = table.Column<int>(type: "integer", nullable: true),
                    ip = table.Column<IPAddress>(type: "inet", nullable: true),
                    rule = table.Column<string>(type: "text", nullable: true),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    comment = table.Column<string>(type: "text", nullable: true),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_silences", x => x.id);
                    table.ForeignKey(
                        name: "fk_silences_hosts_host_id",
                        column: x => x.host_id,
                        principalTable: "hosts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhooks",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    format = table.Column<string>(type: "text", nullable: false),
                    secret = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhooks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alert_notifications",
                columns: table => new
                {
                    webhook_id = table.Column<int>(type: "integer", nullable: false),
                    alert_id = table.Column<long>(type: "bigint", nullable: false),
                    sent_status = table.Column<string>(type: "text", nullable: false),
                    sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alert_notifications", x => new { x.webhook_id, x.alert_id });
                    table.ForeignKey(
                        name: "fk_alert_notifications_alerts_alert_id",
                        column: x => x.alert_id,
                        principalTable: "alerts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_alert_notifications_webhooks_webhook_id",
                        column: x => x.webhook_id,
                        principalTable: "webhooks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "notification_groups",
                columns: table => new
                {
                    webhook_id = table.Column<int>(type: "integer", nullable: false),
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    pending_since = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_groups", x => new { x.webhook_id, x.host_id });
                    table.ForeignKey(
                        name: "fk_notification_groups_hosts_host_id",
                        column: x => x.host_id,
                        principalTable: "hosts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_notification_groups_webhooks_webhook_id",
                        column: x => x.webhook_id,
                        principalTable: "webhooks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_access_shape_minute_minute",
                table: "access_shape_minute",
                column: "minute");

            migrationBuilder.CreateIndex(
                name: "ix_alert_notifications_alert_id",
                table: "alert_notifications",
                column: "alert_id");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_fingerprint",
                table: "alerts",
                column: "fingerprint",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_alerts_host_id_rule_last_held_at",
                table: "alerts",
                columns: new[] { "host_id", "rule", "last_held_at" });

            migrationBuilder.CreateIndex(
                name: "ix_alerts_starts_at",
                table: "alerts",
                column: "starts_at");

            migrationBuilder.CreateIndex(
                name: "ix_detection_queue_host_id",
                table: "detection_queue",
                column: "host_id");

            migrationBuilder.CreateIndex(
                name: "ix_notification_groups_host_id",
                table: "notification_groups",
                column: "host_id");

            migrationBuilder.CreateIndex(
                name: "ix_silences_expires_at",
                table: "silences",
                column: "expires_at");

            migrationBuilder.CreateIndex(
                name: "ix_silences_host_id",
                table: "silences",
                column: "host_id");

            // Detection looks at what lands from now on; what is stored already is queued once, so that
            // its memory and OOM alerts are raised too (request shapes are counted from now on only).
            migrationBuilder.Sql("""
                INSERT INTO detection_queue (host_id, from_time, to_time)
                SELECT host_id, min(minute), max(minute) + interval '1 minute' FROM access_host_minute GROUP BY host_id
                UNION ALL SELECT host_id, min(time), max(time) FROM memory_samples GROUP BY host_id
                UNION ALL SELECT host_id, min(time), max(time) FROM host_events GROUP BY host_id
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "access_shape_minute");

            migrationBuilder.DropTable(
                name: "alert_notifications");

            migrationBuilder.DropTable(
                name: "detection_queue");

            migrationBuilder.DropTable(
                name: "notification_groups");

            migrationBuilder.DropTable(
                name: "silences");

            migrationBuilder.DropTable(
                name: "alerts");

            migrationBuilder.DropTable(
                name: "webhooks");

            migrationBuilder.DropColumn(
                name: "no_agent",
                table: "access_minute");

            migrationBuilder.DropColumn(
                name: "no_agent",
                table: "access_hour");
        }
    }
}
