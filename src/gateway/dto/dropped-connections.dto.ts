export class DroppedConnectionsDto {
  /** Device connections closed, summed over every instance that answered in time. */
  dropped: number;
}
