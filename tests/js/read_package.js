// Read every table of a data package with the npm reader (datapackage), resolving its foreign
// keys (relations: true), and print what it read as JSON: the rows of each table, or its error.
// Usage: node read_package.js path/to/datapackage.json
const { Package } = require("datapackage");

async function main(descriptor) {
  const pkg = await Package.load(descriptor);
  const out = { valid: pkg.valid, errors: pkg.errors.map(String), tables: {} };
  for (const resource of pkg.resources) {
    if (!resource.tabular || resource.descriptor.format !== "csv") continue;
    try {
      const rows = await resource.read({ keyed: true, relations: true });
      out.tables[resource.name] = { rows: rows.length, first: rows[0] };
    } catch (error) {
      out.tables[resource.name] = { error: String(error), details: (error.errors || []).map(String) };
    }
  }
  process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}

main(process.argv[2]).catch((error) => {
  process.stderr.write(String(error) + "\n");
  process.exit(1);
});
