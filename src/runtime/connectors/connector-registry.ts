import type { Variables } from '../../store/port.js';
import type { Connector, ConnectorCall } from './connector.js';

export class UnknownConnectorError extends Error {}

export interface ConnectorRegistry {
  /** The types a diagram may name; deploy-time validation refuses others. */
  types(): string[];
  invoke(type: string, call: ConnectorCall): Promise<Variables>;
}

export function createConnectorRegistry(connectors: Connector[]): ConnectorRegistry {
  const byType = new Map(connectors.map((connector) => [connector.type, connector]));
  return {
    types: () => [...byType.keys()].sort(),
    async invoke(type, call) {
      const connector = byType.get(type);
      if (!connector) throw new UnknownConnectorError(`no connector of type "${type}"`);
      return connector.invoke(call);
    },
  };
}
