import { UseFilters, UsePipes, ValidationPipe, type DynamicModule, type ForwardReference, type Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import { HttpExceptionFilter } from '../http/http-exception.filter.js';

type Import = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** Every module class reachable from `root` through its imports (static and dynamic), and every controller they declare. */
export function moduleTree(root: DynamicModule): { modules: Type[]; controllers: Type[] } {
  const modules = new Set<Type>();
  const controllers = new Set<Type>();
  const seen = new Set<Type | DynamicModule>();
  const visit = (entry: Import): void => {
    if (entry instanceof Promise || 'forwardRef' in entry || seen.has(entry)) return;
    seen.add(entry);
    const module = 'module' in entry ? entry.module : entry;
    const dynamic = 'module' in entry ? entry : undefined;
    modules.add(module);
    for (const controller of [...metadata<Type>(MODULE_METADATA.CONTROLLERS, module), ...(dynamic?.controllers ?? [])]) controllers.add(controller);
    for (const imported of [...metadata<Import>(MODULE_METADATA.IMPORTS, module), ...(dynamic?.imports ?? [])]) visit(imported);
  };
  visit(root);
  return { modules: [...modules], controllers: [...controllers] };
}

function metadata<T>(key: string, module: Type): T[] {
  return (Reflect.getMetadata(key, module) as T[] | undefined) ?? [];
}

const scoped = new WeakSet<Type>();

/**
 * pns's error format and input validation on its own controllers, not on the whole application:
 * mounted in a host, the host's routes keep their own filters and pipes. Set once per class,
 * however many applications a process builds.
 */
export function scopeErrorsAndValidation(controllers: readonly Type[]): void {
  for (const controller of controllers) {
    if (scoped.has(controller)) continue;
    scoped.add(controller);
    (UseFilters(new HttpExceptionFilter()) as ClassDecorator)(controller);
    (UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true })) as ClassDecorator)(controller);
  }
}
