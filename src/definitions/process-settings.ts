/**
 * Samenspel's per-process settings, stored as Camunda 8 extension properties on the
 * process so the standard properties panel edits them:
 *
 *   <zeebe:properties>
 *     <zeebe:property name="samenspel.starterGroups" value="politie-basisteam, vt-frontoffice" />
 *     <zeebe:property name="samenspel.retentionDays" value="3650" />
 *     <zeebe:property name="samenspel.visibleTo.antecedenten" value="politie, om" />
 *   </zeebe:properties>
 *
 * `samenspel.visibleTo.<variable>` limits a case variable (or a path into it, such as
 * `melder.telefoon`) to the organisations listed; variables without such a setting are
 * visible to every organisation taking part in the case.
 *
 * Browser-safe: the lint rule `samenspel/process-settings` uses the same reader.
 */
import { ORGANISATION_IDS } from '../access/organisations.js';
import { extensions, type ModdleElement } from './lint/rule-utils.js';

export interface ProcessSettings {
  /** Groups whose members may start a new case of this process by hand. */
  starterGroups: string[];
  /** Days case data are kept after the case ends; absent = the installation default. */
  retentionDays?: number;
  /** Variable path -> the organisations that may read it (`samenspel.visibleTo.<path>`);
   * absent when the process sets none. */
  visibility?: Record<string, string[]>;
  /** Room for settings added later; unknown `samenspel.*` names are reported, not kept. */
  [key: string]: unknown;
}

export interface SettingsIssue {
  message: string;
  severity: 'error' | 'warning';
}

export const SETTING_PREFIX = 'samenspel.';
export const MAX_RETENTION_DAYS = 36500;
const GROUP_NAME = /^[a-z0-9][a-z0-9-]*$/;
const KNOWN = ['starterGroups', 'retentionDays'] as const;
export const VISIBILITY_KEY = 'visibleTo';
const VARIABLE_PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const KNOWN_TEXT = [...KNOWN, `${VISIBILITY_KEY}.<variable>`].map((k) => SETTING_PREFIX + k).join(', ');

export function readProcessSettings(process: ModdleElement): { settings: ProcessSettings; issues: SettingsIssue[] } {
  const settings: ProcessSettings = { starterGroups: [] };
  const issues: SettingsIssue[] = [];
  const seen = new Set<string>();
  const where = `process "${process.id ?? '?'}"`;

  const properties: ModdleElement[] = extensions(process, 'zeebe:Properties').flatMap((p) =>
    Array.isArray(p.properties) ? (p.properties as ModdleElement[]) : [],
  );

  for (const property of properties) {
    const rawName = typeof property.name === 'string' ? property.name.trim() : '';
    if (!rawName.startsWith(SETTING_PREFIX)) continue;
    const key = rawName.slice(SETTING_PREFIX.length);
    const value = typeof property.value === 'string' ? property.value.trim() : '';

    const isVisibility = key.startsWith(`${VISIBILITY_KEY}.`);
    if (!isVisibility && !(KNOWN as readonly string[]).includes(key)) {
      issues.push({
        severity: 'warning',
        message: `The setting "${rawName}" of ${where} is unknown and ignored. Known settings: ${KNOWN_TEXT}.`,
      });
      continue;
    }
    if (seen.has(key)) {
      issues.push({
        severity: 'error',
        message: `The setting "${rawName}" appears more than once on ${where}. Keep one.`,
      });
      continue;
    }
    seen.add(key);

    if (value.startsWith('=')) {
      issues.push({
        severity: 'error',
        message: `The setting "${rawName}" of ${where} is an expression ("${value}"). Settings are fixed values: write the value itself.`,
      });
      continue;
    }

    if (isVisibility) {
      const path = key.slice(VISIBILITY_KEY.length + 1);
      if (!VARIABLE_PATH.test(path) || path.split('.').some((segment) => UNSAFE_SEGMENTS.has(segment))) {
        issues.push({
          severity: 'error',
          message: `The setting "${rawName}" of ${where} does not name a variable after "${SETTING_PREFIX}${VISIBILITY_KEY}.". Write the variable name (or a path such as melder.telefoon), for example ${SETTING_PREFIX}${VISIBILITY_KEY}.antecedenten.`,
        });
        continue;
      }
      const organisations = value.split(',').map((o) => o.trim()).filter((o) => o !== '');
      if (organisations.length === 0) {
        issues.push({
          severity: 'error',
          message: `The setting "${rawName}" of ${where} is empty. List the organisations that may see "${path}", separated by commas (for example politie, om). Known organisations: ${ORGANISATION_IDS.join(', ')}.`,
        });
        continue;
      }
      const unknown = organisations.filter((o) => !ORGANISATION_IDS.includes(o));
      if (unknown.length > 0) {
        issues.push({
          severity: 'error',
          message: `The setting "${rawName}" of ${where} names ${unknown.map((o) => `"${o}"`).join(', ')}, which ${unknown.length === 1 ? 'is not an organisation' : 'are not organisations'}. Known organisations: ${ORGANISATION_IDS.join(', ')}.`,
        });
        continue;
      }
      settings.visibility = { ...(settings.visibility ?? {}), [path]: [...new Set(organisations)] };
      continue;
    }

    if (key === 'starterGroups') {
      const groups = value.split(',').map((g) => g.trim()).filter((g) => g !== '');
      if (groups.length === 0) {
        issues.push({
          severity: 'error',
          message: `The setting "${rawName}" of ${where} is empty. List the groups that may start the process, separated by commas (for example politie-basisteam, vt-frontoffice), or remove the setting.`,
        });
        continue;
      }
      const bad = groups.filter((g) => !GROUP_NAME.test(g));
      if (bad.length > 0) {
        issues.push({
          severity: 'error',
          message: `The setting "${rawName}" of ${where} contains ${bad.map((g) => `"${g}"`).join(', ')}, which ${bad.length === 1 ? 'is not a group name' : 'are not group names'}. Use group ids of lower-case letters, digits and hyphens, separated by commas (for example politie-basisteam, vt-frontoffice).`,
        });
      }
      settings.starterGroups = [...new Set(groups.filter((g) => GROUP_NAME.test(g)))];
      continue;
    }

    // retentionDays
    const days = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
      issues.push({
        severity: 'error',
        message: `The setting "${rawName}" of ${where} is "${value}". Write a whole number of days between 1 and ${MAX_RETENTION_DAYS} (for example 3650 for ten years).`,
      });
      continue;
    }
    settings.retentionDays = days;
  }

  return { settings, issues };
}
