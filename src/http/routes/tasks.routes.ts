import type { TaskService } from '../../tasks/task-service.js';
import { defineRoute, type RouteDefinition } from '../route-registry.js';
import { CompleteBody, CompleteResult, DelegateBody, Task, TaskDetail, TaskList, TaskListQuery, TaskParams } from '../schemas/task.schemas.js';

export function taskRoutes({ tasks }: { tasks: TaskService }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/tasks',
      summary: 'Tasks the caller may see, by due date then creation',
      tags: ['Tasks'],
      query: TaskListQuery,
      response: TaskList,
      handler: ({ principal, query }) => tasks.list(principal, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/tasks/:id',
      summary: 'One task with its form and the variables the caller may see',
      tags: ['Tasks'],
      params: TaskParams,
      response: TaskDetail,
      errors: [404],
      handler: ({ principal, params }) => tasks.get(principal, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/:id/claim',
      summary: 'Take a task (409 when someone else holds it)',
      tags: ['Tasks'],
      params: TaskParams,
      response: Task,
      errors: [404, 409],
      handler: ({ principal, params }) => tasks.claim(principal, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/:id/unclaim',
      summary: 'Give a task back to its candidate groups',
      tags: ['Tasks'],
      params: TaskParams,
      response: Task,
      errors: [404, 409],
      handler: ({ principal, params }) => tasks.unclaim(principal, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/:id/delegate',
      summary: 'Hand a task to a colleague in one of its candidate groups',
      tags: ['Tasks'],
      params: TaskParams,
      body: DelegateBody,
      response: Task,
      errors: [404, 409, 422],
      handler: ({ principal, params, body }) => tasks.delegate(principal, params.id, body.userId),
    }),
    defineRoute({
      method: 'post',
      path: '/api/tasks/:id/complete',
      summary: 'Complete a task with the form data',
      description: '409 when already completed or held by someone else; 422 when the form rejects the data (details name the fields).',
      tags: ['Tasks'],
      params: TaskParams,
      body: CompleteBody,
      response: CompleteResult,
      errors: [404, 409, 422],
      handler: ({ principal, params, body }) => tasks.complete(principal, params.id, body.variables),
    }),
  ];
}
