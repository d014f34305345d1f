namespace WasteNotify.Service.Http;

/// <summary>Status codes the OpenAPI document cannot infer from a handler that returns <see cref="IResult"/>.</summary>
public static class OpenApiResponses
{
    /// <summary>What a DELETE answers: 204 once gone, 404 when there was nothing (the document would say 200 otherwise).</summary>
    public static RouteHandlerBuilder ProducesDeleted(this RouteHandlerBuilder builder) =>
        builder.Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
}
