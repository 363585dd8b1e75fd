using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dashboard.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class IngestKeysPerEndpoint : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_ingest_batches",
                table: "ingest_batches");

            migrationBuilder.AddColumn<string>(
                name: "endpoint",
                table: "ingest_batches",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<byte[]>(
                name: "body_hash",
                table: "ingest_batches",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddPrimaryKey(
                name: "pk_ingest_batches",
                table: "ingest_batches",
                columns: new[] { "host_id", "endpoint", "idempotency_key" });

            // Keys used to be scoped to the host alone: each earlier one now holds at every endpoint, and
            // without a body hash it answers any body as it did.
            migrationBuilder.Sql("""
                INSERT INTO ingest_batches (host_id, endpoint, idempotency_key, created_at, response)
                SELECT b.host_id, e.endpoint, b.idempotency_key, b.created_at, b.response
                FROM ingest_batches b
                CROSS JOIN (VALUES ('access'), ('syslog'), ('meminfo'), ('collectd'), ('vmstat'), ('loki')) AS e(endpoint)
                WHERE b.endpoint = '';
                DELETE FROM ingest_batches WHERE endpoint = '';
                """);

            migrationBuilder.AlterSequence(
                name: "ingest_batch_seq",
                incrementBy: 1000);

            // The sequence numbered batches whose row ids were (batch << 32) | line; it now numbers blocks
            // of 2^20 ids (block << 20): the first block starts past every earlier id.
            migrationBuilder.Sql("SELECT setval('ingest_batch_seq', (SELECT last_value + 1 FROM ingest_batch_seq) * 4096)");

            migrationBuilder.CreateTable(
                name: "rejected_counts",
                columns: table => new
                {
                    host_id = table.Column<int>(type: "integer", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    stream = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    rejected = table.Column<long>(type: "bigint", nullable: false),
                    stored = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rejected_counts", x => new { x.host_id, x.day, x.stream, x.reason });
                    table.ForeignKey(
                        name: "fk_rejected_counts_hosts_host_id",
                        column: x => x.host_id,
                        principalTable: "hosts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_rejected_counts_day",
                table: "rejected_counts",
                column: "day");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rejected_counts");

            migrationBuilder.DropPrimaryKey(
                name: "pk_ingest_batches",
                table: "ingest_batches");

            migrationBuilder.DropColumn(
                name: "endpoint",
                table: "ingest_batches");

            migrationBuilder.DropColumn(
                name: "body_hash",
                table: "ingest_batches");

            migrationBuilder.AddPrimaryKey(
                name: "pk_ingest_batches",
                table: "ingest_batches",
                columns: new[] { "host_id", "idempotency_key" });

            migrationBuilder.AlterSequence(
                name: "ingest_batch_seq",
                oldIncrementBy: 1000);
        }
    }
}
