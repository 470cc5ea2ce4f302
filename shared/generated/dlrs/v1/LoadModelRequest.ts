// Original file: proto/dlrs/v1/common.proto


/**
 * Ask a service to load a model bundle in the background and switch to it atomically.
 */
export interface LoadModelRequest {
  /**
   * Path of the bundle directory, as seen by the service. Required.
   */
  'bundlePath'?: (string);
}

/**
 * Ask a service to load a model bundle in the background and switch to it atomically.
 */
export interface LoadModelRequest__Output {
  /**
   * Path of the bundle directory, as seen by the service. Required.
   */
  'bundlePath': (string);
}
