// Shapes of the oceandash API, named for the views. They come from the generated api-types.ts
// (src/api/openapi.json); nothing here is written by hand.

import type { components } from './api-types';

type Schemas = components['schemas'];

export type ParameterId = Schemas['ParameterId'];
export type QualityFlag = Schemas['QualityFlag'];
export type Location = Schemas['Location'];
export type Observation = Schemas['Observation'];
export type LatestObservation = Schemas['LatestObservation'];
export type LocationDetail = Schemas['LocationDetail'];
export type Parameter = Schemas['Parameter'];
export type Series = Schemas['Series'];
export type Health = Schemas['Health'];
export type Source = Schemas['Source'];
export type SourceRun = NonNullable<Source['last_run']>;
export type SourceError = NonNullable<Source['last_error']>;
