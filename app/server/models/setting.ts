import { Model } from 'objection';

export class Setting extends Model {
  static override tableName = 'settings';
  static override idColumn = 'key';

  key!: string;
  value!: unknown;
  updatedAt!: Date;
}
