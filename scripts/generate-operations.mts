/**
 * Build step: turns the API contracts in specs/ into the operation tables the nodes read
 * (nodes/<Node>/generated/operationTable.ts), named by each platform's naming table (specs/<platform>/naming.mts) and prints the operation counts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildTable, listOperations, tableModule, type JsonObject } from './generate/openapiToTable.mts';
import { chatwootApis, chatwootTableConfig, mergeChatwootContract } from './generate/chatwoot.mts';
import { applyNaming } from './generate/naming.mts';
import { wtsTableConfig } from './generate/wts.mts';
import { chatwootNaming } from '../specs/chatwoot/naming.mts';
import { wtsNaming } from '../specs/wts/naming.mts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as JsonObject;
const readJsonIfPresent = (path: string) => (existsSync(join(root, path)) ? readJson(path) : undefined);

function write(path: string, content: string): void {
	mkdirSync(dirname(join(root, path)), { recursive: true });
	writeFileSync(join(root, path), content);
}

const wtsSpec = readJson('specs/wts/openapi.json');
const wtsTable = applyNaming(buildTable(wtsSpec, wtsTableConfig), wtsNaming, 'specs/wts/openapi.json');
write('nodes/WtsChat/generated/operationTable.ts', tableModule(wtsTable, 'specs/wts/openapi.json'));
const wtsAll = listOperations(wtsSpec);
console.log(
	`WTS Chat: contract ${wtsAll.length} operations (${wtsAll.filter((o) => o.op.deprecated).length} deprecated), table ${wtsTable.operations.length} operations in ${wtsTable.resources.length} resources`,
);

const chatwootOfficial = readJson('specs/chatwoot/swagger.json');
const chatwootSupplement = readJsonIfPresent('specs/chatwoot/supplement.json');
const chatwootContract = mergeChatwootContract(chatwootOfficial, chatwootSupplement, readJsonIfPresent('specs/chatwoot/evidence.json'));
const chatwootTable = { apis: chatwootApis, ...applyNaming(buildTable(chatwootContract, chatwootTableConfig), chatwootNaming, 'specs/chatwoot') };
write('nodes/Chatwoot/generated/operationTable.ts', tableModule(chatwootTable, 'specs/chatwoot/swagger.json + specs/chatwoot/supplement.json'));
console.log(
	`Chatwoot: official spec ${listOperations(chatwootOfficial).length} operations, contract ${listOperations(chatwootContract).length}, table ${chatwootTable.operations.length} operations in ${chatwootTable.resources.length} resources`,
);
