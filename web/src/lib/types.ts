// Shapes of the oceandash API (src/api/openapi.json). Fields the API may add later are optional.

export type QualityFlag = 'good' | 'not_evaluated' | 'suspect' | 'bad' | 'missing';

export interface Location {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  description: string;
}

export interface Observation {
  location_id: string;
  parameter: string;
  timestamp: string;
  value: number;
  quality_flag: QualityFlag;
  source: string;
}

export interface LocationDetail extends Location {
  latest: Observation[];
}

export interface Parameter {
  id: string;
  name: string;
  unit: string;
  standard_name: string;
  valid_min: number;
  valid_max: number;
}

export interface Series {
  location: string;
  parameter: string;
  unit: string;
  start?: string;
  end?: string;
  total_points?: number;
  sources?: string[];
  t: number[];
  v: number[];
  q: number[];
  s?: number[];
}

export interface Health {
  status: 'ok' | 'degraded' | 'unavailable';
  database: string;
  cache: string;
  version: string;
  message?: string;
  demo?: boolean;
}

export interface SourceRun {
  started?: string;
  finished?: string;
  ok?: boolean;
  rows?: number;
  error?: string;
}

export interface SourceError {
  time?: string;
  message?: string;
}

export interface Source {
  id: string;
  /** false for a source known only from stored rows (manual ingest). */
  configured?: boolean;
  rows?: number;
  last_run?: SourceRun | null;
  last_success?: string | null;
  last_error?: SourceError | string | null;
  // Being added by the data-sources work; rendered when present.
  name?: string;
  schedule?: string | null;
  next_run?: string | null;
  attribution?: string | null;
  license?: string | null;
  doi?: string | null;
  url?: string | null;
  demo?: boolean;
}
