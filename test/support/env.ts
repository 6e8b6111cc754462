// Loaded by jest before each test file.
process.env.DOTENV_CONFIG_QUIET = 'true';
process.env.TZ = process.env.TZ || 'America/Mexico_City';
