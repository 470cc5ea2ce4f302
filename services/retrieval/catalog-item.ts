/** A raw feature value: categorical, multi-valued or continuous (docs/model-contract.md). */
export type RawFeatureValue = string | string[] | number;

/** A raw catalog item as the retrieval service stores it (docs/model-contract.md, "Raw data"). */
export interface CatalogItem {
  id: string;
  /** Display only, never a model input. */
  title?: string;
  features: Record<string, RawFeatureValue>;
}
