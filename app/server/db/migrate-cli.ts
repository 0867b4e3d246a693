import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { openDatabase } from './database.ts';

// `npm run migrate`: bring the schema up to date and exit (opening the database migrates it).
const config = loadConfig();
const logger = createLogger(config.logLevel);
const database = await openDatabase(config, logger);
await database.close();
